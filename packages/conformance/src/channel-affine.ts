/**
 * The per-channel affine op (`channelAffine`: batch normalisation at inference, ReLU6): forward values
 * against a float64 loop written here, forward and every gradient against the composite of sub, mul, add,
 * relu and minimum on the same backend, gradients also by finite differences; odd channel counts, batch 1,
 * rank 1, zero-size and one activation large enough to be split over threads; no leaked tensors.
 *
 * @packageDocumentation
 */
import type { KernelName } from '@neurona/core';
import * as nr from '@neurona/core';
import { Gen, type HostTensor, toNr } from './gen.js';
import { checkCases } from './gradients.js';
import { expectClose, type Suite } from './harness.js';

interface AffineCase {
  readonly shape: readonly number[];
  readonly mean: boolean;
  readonly scale: boolean;
  readonly offset: boolean;
  readonly activation: 'linear' | 'relu6';
}

const affineCase = (
  shape: number[],
  [mean, scale, offset]: [boolean, boolean, boolean],
  activation: AffineCase['activation'],
): AffineCase => ({ shape, mean, scale, offset, activation });

function cases(g: Gen): AffineCase[] {
  const all: [boolean, boolean, boolean] = [true, true, true];
  const list = [
    affineCase([1, 112, 112, 32], all, 'relu6'), // over the CPU backend's threading threshold
    affineCase([1, 5, 5, 3], all, 'linear'),
    affineCase([2, 7, 33], all, 'relu6'),
    affineCase([9], all, 'linear'),
    affineCase([0, 4], all, 'relu6'),
    affineCase([3, 1000], [false, false, false], 'relu6'),
    affineCase([], [false, false, false], 'relu6'),
  ];
  for (let i = 0; i < 6; i++) {
    const flags: [boolean, boolean, boolean] = [g.chance(0.5), g.chance(0.5), g.chance(0.5)];
    list.push(affineCase(g.shape(1, 4, 1, 7), flags, g.pick(['linear', 'relu6'] as const)));
  }
  return list;
}

const label = (c: AffineCase): string =>
  `channelAffine x [${c.shape}]${c.mean ? ' mean' : ''}${c.scale ? ' scale' : ''}${c.offset ? ' offset' : ''} ${c.activation}`;

/** Host inputs: x in [-4, 4), mean in [-1, 1), scale in [-3, 3) (so ReLU6 clips both ends), offset in [-2, 2). */
function inputs(g: Gen, c: AffineCase): HostTensor[] {
  const ch = c.shape.length === 0 ? 1 : c.shape[c.shape.length - 1]!;
  const hs = [g.floats(c.shape, -4, 4)];
  if (c.mean) hs.push(g.floats([ch]));
  if (c.scale) hs.push(g.floats([ch], -3, 3));
  if (c.offset) hs.push(g.floats([ch], -2, 2));
  return hs;
}

/** The op on `[x, ...vectors present]`. */
function fused(c: AffineCase, ts: readonly nr.Tensor[]): nr.Tensor {
  let i = 1;
  const take = (has: boolean) => (has ? ts[i++]! : null);
  const [mean, scale, offset] = [take(c.mean), take(c.scale), take(c.offset)];
  return nr.channelAffine({ x: ts[0]!, mean, scale, offset, activation: c.activation });
}

function composite(c: AffineCase, ts: readonly nr.Tensor[]): nr.Tensor {
  let i = 1;
  let z = ts[0]!;
  if (c.mean) z = nr.sub(z, ts[i++]!);
  if (c.scale) z = nr.mul(z, ts[i++]!);
  if (c.offset) z = nr.add(z, ts[i++]!);
  return c.activation === 'relu6' ? nr.minimum(nr.relu(z), 6) : z;
}

/** The op in float64, element by element. */
function float64(c: AffineCase, hs: readonly HostTensor[]): Float64Array {
  const x = hs[0]!.data;
  const ch = c.shape.length === 0 ? 1 : c.shape[c.shape.length - 1]!;
  let i = 1;
  const take = (has: boolean) => (has ? hs[i++]!.data : null);
  const [m, s, o] = [take(c.mean), take(c.scale), take(c.offset)];
  const y = new Float64Array(x.length);
  for (let k = 0; k < x.length; k++) {
    const j = k % ch;
    const z = (x[k]! - (m ? m[j]! : 0)) * (s ? s[j]! : 1) + (o ? o[j]! : 0);
    y[k] = c.activation === 'relu6' ? Math.min(Math.max(z, 0), 6) : z;
  }
  return y;
}

/**
 * Register the `channel-affine` group.
 *
 * @example
 * ```ts
 * registerChannelAffine(suite);
 * ```
 */
export function registerChannelAffine(suite: Suite): void {
  suite.group('channel-affine', (test) => {
    const kernels: KernelName[] = ['channelAffine'];

    test('channelAffine against float64 and the composite, with gradients', kernels, async ({ tol }) => {
      const g = new Gen(7101);
      for (const c of cases(g)) {
        const what = label(c);
        const before = nr.memory().numTensors;
        const hs = inputs(g, c);
        const ts = hs.map(toNr);
        const w = toNr(g.floats(c.shape));
        const run = (fn: typeof fused): nr.Tensor[] =>
          nr.tidy(() => [fn(c, ts), ...nr.grads((...xs: nr.Tensor[]) => nr.sum(nr.mul(fn(c, xs), w)))(ts)]);
        const got = run(fused);
        const want = run(composite);
        try {
          expectClose(
            await got[0]!.data(),
            float64(c, hs),
            tol('fixture'),
            `${what} forward (float64)`,
            c.shape,
          );
          for (let i = 0; i < want.length; i++) {
            const part = i === 0 ? 'forward' : `d/d(input ${i - 1})`;
            if (got[i]!.shape.join() !== want[i]!.shape.join()) {
              throw new Error(`${what} ${part}: shape [${got[i]!.shape}], expected [${want[i]!.shape}]`);
            }
            expectClose(
              await got[i]!.data(),
              await want[i]!.data(),
              tol('fixture'),
              `${what} ${part}`,
              want[i]!.shape,
            );
          }
        } finally {
          nr.dispose([...got, ...want, ...ts, w]);
        }
        const after = nr.memory().numTensors;
        if (after !== before) throw new Error(`${what}: ${after - before} tensors leaked`);
      }
    });

    test('channelAffine gradients by finite differences', kernels, async ({ tol }) => {
      const g = new Gen(7102);
      const shape = [2, 3, 5];
      // Inputs away from the clamp's kinks (z = 0 and z = 6) by more than the finite-difference step moves z.
      const x = g.floats(shape, 0.1, 2.6); // mean 0.5, scale 2, offset 1.5: z = 2x + 0.5 in [0.7, 5.7]
      const low = g.floats(shape, -3, -0.1); // offset 1: z = 2x in [-6, -0.2], clamped to 0
      const high = g.floats(shape, 3.6, 5); // offset 1: z = 2x in [7.2, 10], clamped to 6
      const vec = (v: number): HostTensor => ({
        shape: [5],
        dtype: 'float32',
        data: new Float32Array(5).fill(v),
      });
      const lin = affineCase(shape, [true, true, true], 'linear');
      const clip = affineCase(shape, [true, true, true], 'relu6');
      const f =
        (c: AffineCase) =>
        (...ts: nr.Tensor[]) =>
          fused(c, ts);
      await checkCases(
        'channelAffine',
        [
          { label: 'linear', inputs: inputs(g, lin), f: f(lin) },
          { label: 'relu6 inside', inputs: [x, vec(0.5), vec(2), vec(1.5)], f: f(clip) },
          { label: 'relu6 clamped at 0', inputs: [low, vec(0.5), vec(2), vec(1)], f: f(clip) },
          { label: 'relu6 clamped at 6', inputs: [high, vec(0.5), vec(2), vec(1)], f: f(clip) },
          { label: 'relu6 alone', inputs: [g.floats([7], 0.1, 5.9)], f: (t) => nr.relu6(t!) },
        ],
        tol('gradient'),
      );
    });
  });
}
