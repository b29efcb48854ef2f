/**
 * The generic checks of `testLayer` for layers applied to several inputs (merge layers); test-only.
 *
 * @packageDocumentation
 */
import { describe, expect, it } from 'vitest';
import * as nr from '../../index.js';
import type { ConfigDict } from '../../initializers/initializers.js';
import type { Layer } from '../layer.js';

/**
 * Options of {@link testMultiInputLayer}.
 *
 * @example
 * ```ts
 * const opts: MultiInputOptions = { tol: 1e-2 };
 * ```
 */
export interface MultiInputOptions {
  /** Finite-difference step (default 5e-3). */
  readonly eps?: number;
  /** Largest accepted relative gradient error (default 1e-2). */
  readonly tol?: number;
  /** Custom inputs (default: seeded uniform values in [-1, 1) of `inputShapes`). */
  readonly inputs?: () => nr.Tensor[];
}

/**
 * Register a `describe(name)` block for a layer taking several inputs: `computeOutputShape` and a symbolic
 * `apply` match the real output; a call and its gradient leak nothing; the gradient with respect to every
 * input matches finite differences (`nr.gradCheck`); `new Cls(getConfig())` computes the same.
 * `inputShapes` include the batch dimension.
 *
 * @example
 * ```ts
 * testMultiInputLayer('Add', () => nr.layers.add(), [[2, 3], [2, 3]]);
 * ```
 */
export function testMultiInputLayer(
  name: string,
  makeLayer: () => Layer,
  inputShapes: readonly (readonly number[])[],
  options: MultiInputOptions = {},
): void {
  const eps = options.eps ?? 5e-3;
  const tol = options.tol ?? 1e-2;
  const makeInputs = (): nr.Tensor[] => {
    if (options.inputs) return options.inputs();
    nr.seed(77);
    return inputShapes.map((s) => nr.randomUniform(s, -1, 1));
  };
  const withLayer = async (fn: (layer: Layer, xs: nr.Tensor[]) => Promise<void>): Promise<void> => {
    const layer = makeLayer();
    const xs = makeInputs();
    try {
      await fn(layer, xs);
    } finally {
      nr.dispose(xs);
      layer.dispose();
    }
  };

  describe(`${name} (several inputs)`, () => {
    it('computeOutputShape and a symbolic apply match the real output shape', async () => {
      await withLayer(async (layer, xs) => {
        const y = layer.apply(xs);
        expect(layer.computeOutputShape(xs.map((x) => x.shape))).toEqual(y.shape);
        const sym = layer.apply(inputShapes.map((s) => nr.input({ shape: s.slice(1) })));
        expect(sym.shape).toEqual([null, ...y.shape.slice(1)]);
        y.dispose();
      });
    });

    it('leaks no tensors in a call or a gradient computation', async () => {
      await withLayer(async (layer, xs) => {
        nr.dispose(layer.apply(xs));
        const before = nr.memory().numTensors;
        nr.dispose(layer.apply(xs));
        nr.dispose(nr.grads((...ts: nr.Tensor[]) => nr.sum(layer.apply(ts)))(xs));
        expect(nr.memory().numTensors).toBe(before);
      });
    });

    it('has correct gradients with respect to every input', async () => {
      await withLayer(async (layer, xs) => {
        const res = await nr.gradCheck((...ts) => layer.apply(ts), xs, { eps, tol });
        expect(res.maxRelError).toHaveLength(xs.length);
        for (const err of res.maxRelError) expect(err).toBeLessThanOrEqual(tol);
      });
    });

    it('getConfig -> new Cls(config) rebuilds a layer that computes the same', async () => {
      await withLayer(async (layer, xs) => {
        const config = JSON.parse(JSON.stringify(layer.getConfig())) as ConfigDict;
        const Cls = layer.constructor as unknown as new (c: ConfigDict) => Layer;
        const copy = new Cls(config);
        try {
          expect(copy.getConfig()).toEqual(layer.getConfig());
          const [a, b] = [layer.apply(xs), copy.apply(xs)];
          expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
          nr.dispose([a, b]);
        } finally {
          copy.dispose();
        }
      });
    });
  });
}
