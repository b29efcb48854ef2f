/**
 * Row kernels (reductions, softmax) take one thread per row for short rows and a workgroup per row, with
 * a tree in workgroup memory, for few long ones. The shared suite's shapes are short; here long rows
 * (with NaN, ties and int32) run both shapes against the CPU backend's kernels.
 */
import { cpu } from '@neurona/backend-cpu';
import { expectClose } from '@neurona/conformance';
import type { DType, ReduceOp, TypedArray } from '@neurona/core';
import * as nr from '@neurona/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireCapability } from '../../../test-utils/capabilities.js';
import { type WebGpuBackend, webgpu } from '../src/index.js';

const hasGpu = await requireCapability('webgpu', 'backend-webgpu row-kernel tests');

let gpu: WebGpuBackend;
const ref = cpu();
const rng = new nr.Rng(5);

beforeAll(async () => {
  gpu = await webgpu();
});
afterAll(() => gpu?.destroy());

/** Random rows: floats in [-3, 3) (a few NaN and repeated maxima when asked), or small int32. */
function rows(n: number, len: number, dtype: DType, specials: boolean): TypedArray {
  const size = n * len;
  if (dtype === 'int32') return Int32Array.from({ length: size }, () => rng.int(200) - 100);
  const data = Float32Array.from({ length: size }, () => rng.uniform() * 6 - 3);
  if (specials) {
    data[len + 7] = 5; // row 1: a tie for the maximum, the first one must win
    data[len + 900] = 5;
    data[2 * len + 600] = Number.NaN; // row 2: NaN wins argmax/argmin and poisons max/min/sum
    data[2 * len + 10] = -7;
  }
  return data;
}

async function both(
  what: string,
  data: TypedArray,
  shape: number[],
  dtype: DType,
  kernel: (b: nr.Backend, x: nr.Operand) => nr.Handle,
  tol: number,
): Promise<void> {
  const info = { shape, dtype };
  const xg = { handle: gpu.upload(data, info), ...info };
  const xc = { handle: ref.upload(data, info), ...info };
  const got = kernel(gpu, xg);
  const want = kernel(ref, xc);
  expectClose(await gpu.read(got), ref.readSync(want), tol, what);
  for (const h of [got, xg.handle]) gpu.dispose(h);
  for (const h of [want, xc.handle]) ref.dispose(h);
}

const OPS: ReduceOp[] = ['sum', 'prod', 'max', 'min', 'argmax', 'argmin'];

describe.runIf(hasGpu).each([
  ['a workgroup per row', 3, 1000],
  ['a thread per row', 1100, 40],
])('reductions with %s', (_name, n, len) => {
  it.each(OPS)('%s (float32, with NaN and ties)', async (op) => {
    const data = rows(n, len, 'float32', len > 100);
    // prod of ~1000 values in [-3, 3) over/underflows: use values near 1 for it.
    const x = op === 'prod' ? data.map((v) => 1 + v / 300) : data;
    const out = { shape: [n], dtype: op.startsWith('arg') ? ('int32' as const) : ('float32' as const) };
    await both(`${op} [${n}, ${len}]`, x, [n, len], 'float32', (b, o) => b.kernels.reduce(op, o, out), 1e-4);
  });

  it('sum, max and argmin of int32', async () => {
    const data = rows(n, len, 'int32', false);
    for (const op of ['sum', 'max', 'argmin'] as const) {
      const out = { shape: [n], dtype: 'int32' as const };
      await both(
        `${op} int32 [${n}, ${len}]`,
        data,
        [n, len],
        'int32',
        (b, o) => b.kernels.reduce(op, o, out),
        0,
      );
    }
  });
});

describe.runIf(hasGpu).each([
  ['a workgroup per row', 2, 700],
  ['a thread per row', 1200, 10],
])('softmax with %s', (_name, n, len) => {
  it('softmax and logSoftmax match the CPU kernels', async () => {
    const data = rows(n, len, 'float32', false);
    const out = { shape: [n, len], dtype: 'float32' as const };
    await both(
      `softmax [${n}, ${len}]`,
      data,
      [n, len],
      'float32',
      (b, o) => b.kernels.softmax!(o, out),
      1e-5,
    );
    await both(
      `logSoftmax [${n}, ${len}]`,
      data,
      [n, len],
      'float32',
      (b, o) => b.kernels.logSoftmax!(o, out),
      1e-5,
    );
  });
});

it.runIf(hasGpu)('a row holding NaN gives NaN throughout softmax, in both row shapes', async () => {
  for (const len of [8, 600]) {
    const data = Float32Array.from({ length: len }, (_, i) => (i === 3 ? Number.NaN : i / len));
    const h = gpu.upload(data, { shape: [1, len], dtype: 'float32' });
    const y = gpu.kernels.softmax(
      { handle: h, shape: [1, len], dtype: 'float32' },
      { shape: [1, len], dtype: 'float32' },
    );
    expect(Array.from(await gpu.read(y)).every(Number.isNaN), `row of ${len}`).toBe(true);
    gpu.dispose(h);
    gpu.dispose(y);
  }
});
