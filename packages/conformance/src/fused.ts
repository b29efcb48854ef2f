/**
 * The fused "product + bias + activation" ops (`fusedMatMul`, `fusedConv2d`): forward values and all three
 * gradients against the unfused composite (matMul/conv2d, add, relu as separate ops) on the same backend,
 * over random shapes, transposes, paddings and strides, with and without bias; gradients also by finite
 * differences; no leaked tensors. A backend without the kernels runs core's composite (the matrix says so).
 *
 * @packageDocumentation
 */
import type { KernelName } from '@neurona/core';
import * as nr from '@neurona/core';
import { Gen, type HostTensor, toNr } from './gen.js';
import { checkCases } from './gradients.js';
import { expectClose, type Suite } from './harness.js';

type Act = nr.FusedActivation;

interface MatCase {
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly ta: boolean;
  readonly tb: boolean;
  readonly bias: boolean;
  readonly act: Act;
}

interface ConvCase {
  readonly x: readonly number[];
  readonly f: readonly number[];
  readonly strides: number | [number, number];
  readonly padding: 'same' | 'valid';
  readonly dilations: number;
  readonly bias: boolean;
  readonly act: Act;
}

/** Random shapes (a few over the default threading threshold of the CPU backend, 2^19 multiply-adds). */
function matCases(g: Gen): MatCase[] {
  const cases: MatCase[] = [
    { m: 70, k: 130, n: 60, ta: false, tb: false, bias: true, act: 'relu' },
    { m: 64, k: 128, n: 70, ta: true, tb: true, bias: true, act: 'linear' },
    { m: 0, k: 3, n: 5, ta: false, tb: false, bias: true, act: 'relu' },
    { m: 2, k: 0, n: 3, ta: false, tb: false, bias: true, act: 'relu' },
  ];
  for (let i = 0; i < 8; i++) {
    cases.push({
      m: g.int(1, 9),
      k: g.int(1, 17),
      n: g.int(1, 13),
      ta: g.chance(0.5),
      tb: g.chance(0.5),
      bias: g.chance(0.75),
      act: g.pick(['linear', 'relu'] as const),
    });
  }
  return cases;
}

/** A convolution case in one line: shapes, strides, padding, dilations, bias or not, activation. */
const convCase = (
  x: number[],
  f: number[],
  strides: ConvCase['strides'],
  padding: ConvCase['padding'],
  dilations: number,
  bias: boolean,
  act: Act,
): ConvCase => ({ x, f, strides, padding, dilations, bias, act });

function convCases(g: Gen): ConvCase[] {
  const cases: ConvCase[] = [
    convCase([4, 12, 12, 8], [3, 3, 8, 16], 1, 'same', 1, true, 'relu'),
    convCase([8, 14, 14, 1], [5, 5, 1, 8], 1, 'valid', 1, true, 'relu'),
    convCase([2, 5, 5, 3], [1, 1, 3, 4], 1, 'valid', 1, true, 'linear'),
  ];
  for (let i = 0; i < 6; i++) {
    const c = g.int(1, 4);
    cases.push({
      x: [g.int(1, 2), g.int(3, 7), g.int(3, 7), c],
      f: [g.int(1, 3), g.int(1, 3), c, g.int(1, 9)],
      strides: g.pick([1, 2, [2, 1]] as const) as number | [number, number],
      padding: g.pick(['same', 'valid'] as const),
      dilations: 1,
      bias: g.chance(0.75),
      act: g.pick(['linear', 'relu'] as const),
    });
  }
  cases.push(convCase([1, 6, 6, 2], [2, 2, 2, 3], 1, 'same', 2, true, 'relu'));
  return cases;
}

const matShapes = (c: MatCase): [number[], number[]] => [
  c.ta ? [c.k, c.m] : [c.m, c.k],
  c.tb ? [c.n, c.k] : [c.k, c.n],
];

function fusedMat(c: MatCase, a: nr.Tensor, b: nr.Tensor, bias: nr.Tensor | null, act = c.act): nr.Tensor {
  return nr.fusedMatMul({ a, b, bias, activation: act, transposeA: c.ta, transposeB: c.tb });
}

function compositeMat(c: MatCase, a: nr.Tensor, b: nr.Tensor, bias: nr.Tensor | null): nr.Tensor {
  const y = nr.matMul(a, b, c.ta, c.tb);
  const z = bias ? nr.add(y, bias) : y;
  return c.act === 'relu' ? nr.relu(z) : z;
}

function fusedConv(c: ConvCase, x: nr.Tensor, f: nr.Tensor, bias: nr.Tensor | null, act = c.act): nr.Tensor {
  const { strides, padding, dilations } = c;
  return nr.fusedConv2d({ x, filter: f, bias, activation: act, strides, padding, dilations });
}

function compositeConv(c: ConvCase, x: nr.Tensor, f: nr.Tensor, bias: nr.Tensor | null): nr.Tensor {
  const z0 = nr.conv2d(x, f, c.strides, c.padding, c.dilations);
  const z = bias ? nr.add(z0, bias) : z0;
  return c.act === 'relu' ? nr.relu(z) : z;
}

type Fn3 = (p: nr.Tensor, q: nr.Tensor, r: nr.Tensor | null) => nr.Tensor;

/**
 * Compare `fused` with `composite` on host inputs: forward values and the gradients of `sum(y * w)` (a
 * fixed random weighting) with respect to every input. Checks that nothing leaks.
 */
async function compare(
  what: string,
  inputs: readonly (HostTensor | null)[],
  fused: Fn3,
  composite: Fn3,
  weights: HostTensor,
  tol: number,
): Promise<void> {
  const before = nr.memory().numTensors;
  const ts = inputs.map((h) => (h ? toNr(h) : null));
  const w = toNr(weights);
  const present = ts.filter((t): t is nr.Tensor => t !== null);
  const run = (fn: Fn3): nr.Tensor[] =>
    nr.tidy(() => {
      const y = fn(ts[0]!, ts[1]!, ts[2] ?? null);
      const grads = nr.grads((...xs: nr.Tensor[]) => nr.sum(nr.mul(fn(xs[0]!, xs[1]!, xs[2] ?? null), w)))(
        present,
      );
      return [y, ...grads];
    });
  const got = run(fused);
  const want = run(composite);
  try {
    const names = ['forward', 'd/d(input 0)', 'd/d(input 1)', 'd/d(bias)'];
    for (let i = 0; i < want.length; i++) {
      if (got[i]!.shape.join() !== want[i]!.shape.join()) {
        throw new Error(`${what} ${names[i]}: shape [${got[i]!.shape}], expected [${want[i]!.shape}]`);
      }
      expectClose(await got[i]!.data(), await want[i]!.data(), tol, `${what} ${names[i]}`, want[i]!.shape);
    }
  } finally {
    nr.dispose([...got, ...want, ...present, w]);
  }
  const after = nr.memory().numTensors;
  if (after !== before) throw new Error(`${what}: ${after - before} tensors leaked`);
}

/**
 * Draw inputs whose pre-activations stay at least `margin` away from 0 (ReLU's kink), so that finite
 * differences with a step of 1e-2 never cross it.
 */
async function awayFromKink(
  g: Gen,
  draw: (g: Gen) => HostTensor[],
  linear: (xs: nr.Tensor[]) => nr.Tensor,
  margin = 0.1,
): Promise<HostTensor[]> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const hs = draw(g);
    const ts = hs.map(toNr);
    const y = nr.tidy(() => linear(ts));
    const values = await y.data();
    nr.dispose([...ts, y]);
    if (values.every((v) => Math.abs(v) >= margin)) return hs;
  }
  throw new Error('could not draw inputs away from the ReLU kink (test set-up)');
}

/**
 * Register the `fused` group (product + bias + activation kernels).
 *
 * @example
 * ```ts
 * registerFused(suite);
 * ```
 */
export function registerFused(suite: Suite): void {
  suite.group('fused', (test) => {
    const mm: KernelName[] = ['matmulBiasActivation'];
    const cv: KernelName[] = ['conv2dBiasActivation'];

    test('matmulBiasActivation against matMul + add + relu, with gradients', mm, async ({ tol }) => {
      const g = new Gen(7001);
      for (const c of matCases(g)) {
        const [sa, sb] = matShapes(c);
        const what = `fusedMatMul a [${sa}]${c.ta ? 'ᵀ' : ''} b [${sb}]${c.tb ? 'ᵀ' : ''} ${c.bias ? 'bias ' : ''}${c.act}`;
        await compare(
          what,
          [g.floats(sa), g.floats(sb), c.bias ? g.floats([c.n]) : null],
          (a, b, bias) => fusedMat(c, a, b, bias),
          (a, b, bias) => compositeMat(c, a, b, bias),
          g.floats([c.m, c.n]),
          tol('fixture'),
        );
      }
    });

    test('conv2dBiasActivation against conv2d + add + relu, with gradients', cv, async ({ tol }) => {
      const g = new Gen(7002);
      for (const c of convCases(g)) {
        const info = nr.conv2dInfo(c.x, c.f, c.strides, c.padding, c.dilations);
        const what = `fusedConv2d x [${c.x}] filter [${c.f}] strides ${c.strides} ${c.padding} dilations ${c.dilations} ${c.bias ? 'bias ' : ''}${c.act}`;
        await compare(
          what,
          [g.floats(c.x), g.floats(c.f), c.bias ? g.floats([c.f[3]!]) : null],
          (x, f, bias) => fusedConv(c, x, f, bias),
          (x, f, bias) => compositeConv(c, x, f, bias),
          g.floats([info.batch, info.outHeight, info.outWidth, info.outChannels]),
          tol('fixture'),
        );
      }
    });

    test('fused gradients by finite differences', [...mm, ...cv], async ({ tol }) => {
      const g = new Gen(7003);
      const mat: MatCase = { m: 3, k: 4, n: 5, ta: false, tb: true, bias: true, act: 'relu' };
      const conv = convCase([1, 4, 4, 2], [2, 2, 2, 3], 1, 'same', 1, true, 'relu');
      const [sa, sb] = matShapes(mat);
      const matInputs = await awayFromKink(
        g,
        (r) => [r.floats(sa), r.floats(sb), r.floats([mat.n])],
        ([a, b, bias]) => fusedMat(mat, a!, b!, bias!, 'linear'),
      );
      const convInputs = await awayFromKink(
        g,
        (r) => [r.floats(conv.x), r.floats(conv.f), r.floats([conv.f[3]!])],
        ([x, f, bias]) => fusedConv(conv, x!, f!, bias!, 'linear'),
      );
      await checkCases(
        'fused ops',
        [
          { label: 'fusedMatMul relu', inputs: matInputs, f: (a, b, bias) => fusedMat(mat, a!, b!, bias!) },
          {
            label: 'fusedMatMul linear',
            inputs: matInputs,
            f: (a, b, bias) => fusedMat(mat, a!, b!, bias!, 'linear'),
          },
          {
            label: 'fusedConv2d relu',
            inputs: convInputs,
            f: (x, f, bias) => fusedConv(conv, x!, f!, bias!),
          },
          {
            label: 'fusedConv2d linear, no bias',
            inputs: convInputs.slice(0, 2),
            f: (x, f) => fusedConv(conv, x!, f!, null, 'linear'),
          },
        ],
        tol('gradient'),
      );
    });
  });
}
