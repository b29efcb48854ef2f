/**
 * A generic test harness for layers (test-only; excluded from the build). `testLayer` registers a vitest
 * `describe` block that checks output shapes, memory, gradients, one SGD step, weight round trips and the
 * config round trip of a layer.
 *
 * @packageDocumentation
 */
import { describe, expect, it } from 'vitest';
import * as nr from '../../index.js';
import type { ConfigDict } from '../../initializers/initializers.js';
import type { Layer } from '../layer.js';

/**
 * Options of {@link testLayer}.
 *
 * @example
 * ```ts
 * const opts: TestLayerOptions = { training: true, params: 64 };
 * ```
 */
export interface TestLayerOptions {
  /** Call the layer in training mode (default false). The global seed is reset before every call. */
  readonly training?: boolean;
  /** Custom input (default: seeded uniform values in [-1, 1) of `inputShape`). */
  readonly input?: () => nr.Tensor;
  /** Check the gradient with respect to the input (default true; false for integer inputs). */
  readonly gradInput?: boolean;
  /** Check the gradients with respect to the trainable weights (default true). */
  readonly gradWeights?: boolean;
  /** Finite-difference step (default 5e-3). */
  readonly eps?: number;
  /** Largest accepted relative gradient error (default 1e-2). */
  readonly tol?: number;
  /** Learning rate of the SGD step (default 0.05). */
  readonly lr?: number;
  /** Expected `countParams()`, as Keras reports it. */
  readonly params?: number;
  /** Expected number of trainable scalars. */
  readonly trainableParams?: number;
}

const SEED = 20240611;

/** Deterministic projection in [-0.5, 0.5), independent of the global seed. */
function projection(n: number): Float64Array {
  const r = new Float64Array(n);
  let s = 0x9e3779b9;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    r[i] = s / 0x100000000 - 0.5;
  }
  return r;
}

async function values(t: nr.Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

/**
 * Run `layer` on `x`, resetting the global seed first so dropout masks repeat across calls.
 *
 * @example
 * ```ts
 * const y = run(layer, x, true);
 * ```
 */
export function run(layer: Layer, x: nr.Tensor, training: boolean): nr.Tensor {
  nr.seed(SEED);
  return layer.apply(x, { training });
}

/**
 * Compare the gradients of `Σ r · layer(x)` with respect to each trainable weight (from
 * `nr.variableGrads`) with central differences computed by perturbing the weight in place; returns the
 * worst relative error per weight name.
 *
 * @example
 * ```ts
 * const errors = await weightGradErrors(layer, x, false, 5e-3);
 * ```
 */
export async function weightGradErrors(
  layer: Layer,
  x: nr.Tensor,
  training: boolean,
  eps: number,
): Promise<Record<string, number>> {
  const probe = nr.tidy(() => run(layer, x, training));
  const r = projection(probe.size);
  const rT = nr.tensor(Float32Array.from(r), probe.shape);
  probe.dispose();
  const hostLoss = async (): Promise<number> => {
    const y = nr.tidy(() => run(layer, x, training));
    const d = await y.data();
    y.dispose();
    let acc = 0;
    for (let i = 0; i < d.length; i++) acc += r[i]! * d[i]!;
    return acc;
  };
  const vars = layer.trainableWeights;
  const { value, grads } = nr.variableGrads(() => nr.sum(nr.mul(run(layer, x, training), rT)), vars);
  value.dispose();
  const errors: Record<string, number> = {};
  for (const v of vars) {
    const g = grads[v.name]!;
    const analytic = await g.data();
    g.dispose();
    const base = Float32Array.from((await v.data()) as Float32Array);
    const original = nr.clone(v);
    let worst = 0;
    for (let i = 0; i < base.length; i++) {
      const orig = base[i]!;
      const at = async (value: number): Promise<[number, number]> => {
        base[i] = value;
        const used = base[i]!;
        const t = nr.tensor(base, v.shape);
        v.assign(t);
        t.dispose();
        return [await hostLoss(), used];
      };
      const [lp, wp] = await at(orig + eps);
      const [lm, wm] = await at(orig - eps);
      base[i] = orig;
      const numeric = (lp - lm) / (wp - wm);
      const a = analytic[i]!;
      const err = Math.abs(a - numeric) / Math.max(Math.abs(a), Math.abs(numeric), 1);
      worst = Math.max(worst, Number.isNaN(err) ? Number.POSITIVE_INFINITY : err);
    }
    v.assign(original);
    original.dispose();
    errors[v.name] = worst;
  }
  rT.dispose();
  return errors;
}

/**
 * Register a `describe(name)` block of generic layer checks: `computeOutputShape` matches the real output;
 * calls (and gradient computations) leak no tensors; gradients with respect to the input (`nr.gradCheck`)
 * and every trainable weight match finite differences; one SGD step lowers a squared error; `getWeights` /
 * `setWeights` round-trip; `new Cls(getConfig())` rebuilds a layer with the same config and, after
 * `setWeights`, identical outputs. `makeLayer` must return a fresh, unbuilt layer; `inputShape` includes the
 * batch dimension.
 *
 * @example
 * ```ts
 * testLayer('Dense', () => nr.layers.dense({ units: 3 }), [4, 5], { params: 18 });
 * ```
 */
export function testLayer(
  name: string,
  makeLayer: () => Layer,
  inputShape: readonly number[],
  options: TestLayerOptions = {},
): void {
  const training = options.training ?? false;
  const eps = options.eps ?? 5e-3;
  const tol = options.tol ?? 1e-2;
  const makeInput = (): nr.Tensor => {
    if (options.input) return options.input();
    nr.seed(SEED + 1);
    return nr.randomUniform(inputShape, -1, 1);
  };
  /** A fresh layer, built by one call, and the input; the callback owns neither. */
  const withLayer = async (fn: (layer: Layer, x: nr.Tensor) => Promise<void>): Promise<void> => {
    const layer = makeLayer();
    const x = makeInput();
    try {
      nr.dispose(run(layer, x, training));
      await fn(layer, x);
    } finally {
      x.dispose();
      layer.dispose();
    }
  };
  const mode = training ? 'training' : 'inference';

  describe(`${name} (${mode})`, () => {
    it('computeOutputShape matches the real output shape', async () => {
      await withLayer(async (layer, x) => {
        const y = run(layer, x, training);
        expect(layer.computeOutputShape([null, ...inputShape.slice(1)])).toEqual([null, ...y.shape.slice(1)]);
        expect(layer.computeOutputShape(inputShape)).toEqual(y.shape);
        y.dispose();
        if (options.params !== undefined) expect(layer.countParams()).toBe(options.params);
        if (options.trainableParams !== undefined) {
          expect(layer.trainableWeights.reduce((n, w) => n + w.size, 0)).toBe(options.trainableParams);
        }
      });
    });

    it('leaks no tensors in a call or a gradient computation', async () => {
      await withLayer(async (layer, x) => {
        const before = nr.memory();
        nr.dispose(run(layer, x, training));
        expect(nr.memory().numTensors).toBe(before.numTensors);
        expect(nr.memory().numDataBuffers).toBe(before.numDataBuffers);
        if (layer.trainableWeights.length > 0) {
          const { value, grads } = nr.variableGrads(
            () => nr.sum(nr.square(run(layer, x, training))),
            layer.trainableWeights,
          );
          nr.dispose([value, grads]);
        }
        if (options.gradInput ?? true) nr.dispose(nr.grad((t) => nr.sum(run(layer, t, training)))(x));
        expect(nr.memory().numTensors).toBe(before.numTensors);
        expect(nr.memory().numDataBuffers).toBe(before.numDataBuffers);
      });
    });

    if (options.gradInput ?? true) {
      it('has correct gradients with respect to the input', async () => {
        await withLayer(async (layer, x) => {
          const res = await nr.gradCheck((t) => run(layer, t, training), [x], { eps, tol });
          expect(res.maxRelError[0]).toBeLessThanOrEqual(tol);
        });
      });
    }

    if (options.gradWeights ?? true) {
      it('has correct gradients with respect to every trainable weight', async () => {
        await withLayer(async (layer, x) => {
          const errors = await weightGradErrors(layer, x, training, eps);
          expect(Object.keys(errors).length).toBe(layer.trainableWeights.length);
          for (const [w, err] of Object.entries(errors))
            expect(err, `weight '${w}'`).toBeLessThanOrEqual(tol);
        });
      });

      it('one SGD step lowers a squared error', async () => {
        await withLayer(async (layer, x) => {
          if (layer.trainableWeights.length === 0) return;
          const probe = run(layer, x, training);
          nr.seed(SEED + 2);
          const target = nr.randomUniform(probe.shape, -1, 1);
          probe.dispose();
          const lossFn = (): nr.Tensor => nr.mean(nr.square(nr.sub(run(layer, x, training), target)));
          const lossValue = async (): Promise<number> => {
            const l = nr.tidy(lossFn);
            const v = (await l.data())[0]!;
            l.dispose();
            return v;
          };
          const before = await lossValue();
          const { value, grads } = nr.variableGrads(lossFn, layer.trainableWeights);
          value.dispose();
          for (const w of layer.trainableWeights) {
            const next = nr.tidy(() => nr.sub(w, nr.mul(grads[w.name]!, options.lr ?? 0.05)));
            w.assign(next);
            next.dispose();
          }
          nr.dispose(grads);
          const after = await lossValue();
          target.dispose();
          expect(after).toBeLessThan(before);
        });
      });
    }

    it('getWeights / setWeights round-trip', async () => {
      await withLayer(async (layer, x) => {
        const y0 = run(layer, x, training);
        const saved = layer.getWeights();
        expect(saved.map((w) => w.shape)).toEqual(layer.weights.map((w) => w.shape));
        nr.seed(SEED + 3);
        const fresh = saved.map((w) => nr.randomUniform(w.shape, 0.5, 1.5));
        layer.setWeights(fresh);
        const readBack = layer.getWeights();
        for (let i = 0; i < fresh.length; i++)
          expect(await values(readBack[i]!)).toEqual(await values(fresh[i]!));
        const extra = nr.zeros([1]);
        expect(() => layer.setWeights([...fresh, extra])).toThrow(/setWeights/);
        extra.dispose();
        layer.setWeights(saved);
        const y1 = run(layer, x, training);
        expect(await values(y1)).toEqual(await values(y0));
        nr.dispose([y0, y1, saved, fresh, readBack]);
      });
    });

    it('getConfig -> new Cls(config) rebuilds an identical layer', async () => {
      await withLayer(async (layer, x) => {
        const config = layer.getConfig();
        const json = JSON.parse(JSON.stringify(config)) as ConfigDict;
        expect(json).toEqual(config);
        const Cls = layer.constructor as unknown as (new (c: ConfigDict) => Layer) & { className: string };
        expect(Cls.className).toBe(layer.className);
        const copy = new Cls(json);
        try {
          expect(copy.getConfig()).toEqual(config);
          nr.dispose(run(copy, x, training));
          const ws = layer.getWeights();
          copy.setWeights(ws);
          nr.dispose(ws);
          for (const mode of [training, false]) {
            const a = run(layer, x, mode);
            const b = run(copy, x, mode);
            expect(await values(b)).toEqual(await values(a));
            nr.dispose([a, b]);
          }
        } finally {
          copy.dispose();
        }
      });
    });
  });
}
