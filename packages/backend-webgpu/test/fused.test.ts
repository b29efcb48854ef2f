/**
 * The fused product kernels `matmulBiasActivation` and `conv2dBiasActivation` (GEMM + bias + activation
 * epilogue in the output store), on both GEMM kernels, against the CPU backend's fused kernels, plus one
 * hand-computed case. Inputs are centred on 0 so ReLU zeroes about half of the outputs.
 */
import { cpu } from '@neurona/backend-cpu';
import * as nr from '@neurona/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireCapability } from '../../../test-utils/capabilities.js';
import { type WebGpuBackend, webgpu } from '../src/index.js';
import { dualBackends } from './dual.js';

const hasGpu = await requireCapability('webgpu', 'backend-webgpu fused-kernel tests');

const TOL = 1e-4;
let gpu: WebGpuBackend;
const ref = cpu();
const rng = new nr.Rng(7);
const f32 = (shape: readonly number[]): nr.TensorInfo => ({ shape, dtype: 'float32' });

beforeAll(async () => {
  gpu = await webgpu();
});
afterAll(() => gpu?.destroy());

const { operand, compare } = dualBackends(() => gpu, ref, rng, TOL);

it.runIf(hasGpu)('matmulBiasActivation by hand: bias per column, ReLU zeroes the negatives', async () => {
  const a = operand([1, 2, 2], [1, 2, 3, 4]);
  const b = operand([1, 2, 2], [1, -1, -2, 1]);
  const bias = operand([2], [0.5, -0.5]);
  // a·b = [[-3, 1], [-5, 1]]; + bias = [[-2.5, 0.5], [-4.5, 0.5]].
  const relu = gpu.kernels.matmulBiasActivation(a.gpu, b.gpu, bias.gpu, 'relu', false, false, f32([1, 2, 2]));
  expect(Array.from(await gpu.read(relu))).toEqual([0, 0.5, 0, 0.5]);
  const linear = gpu.kernels.matmulBiasActivation(a.gpu, b.gpu, null, 'linear', false, false, f32([1, 2, 2]));
  expect(Array.from(await gpu.read(linear))).toEqual([-3, 1, -5, 1]);
  const plain = gpu.kernels.matmul(a.gpu, b.gpu, false, false, f32([1, 2, 2]));
  expect(Array.from(await gpu.read(plain))).toEqual([-3, 1, -5, 1]);
  for (const h of [relu, linear, plain, a.gpu.handle, b.gpu.handle, bias.gpu.handle]) gpu.dispose(h);
});

describe.runIf(hasGpu).each([
  ['tiled', 0],
  ['direct', Number.POSITIVE_INFINITY],
])('%s GEMM kernel', (_name, directMaxMacs) => {
  it('matmulBiasActivation: transposes, broadcast batch, null bias, both activations', async () => {
    for (const [m, k, n, ta, tb, withBias, act] of [
      [37, 29, 70, false, false, true, 'relu'],
      [70, 19, 33, true, true, false, 'relu'],
      [5, 66, 40, false, true, true, 'linear'],
      [20, 3, 18, true, false, false, 'linear'],
    ] as const) {
      const a = operand(ta ? [2, k, m] : [2, m, k]);
      const b = operand(tb ? [1, n, k] : [1, k, n]);
      const bias = withBias ? operand([n]) : null;
      const out = f32([2, m, n]);
      await compare(`${m}x${k}x${n} ta=${ta} tb=${tb} bias=${withBias} ${act}`, directMaxMacs, (be, s) =>
        be.kernels.matmulBiasActivation!(a[s], b[s], bias?.[s] ?? null, act, ta, tb, out),
      );
    }
  });

  it('conv2dBiasActivation: same and valid, strided, dilated, pointwise, null bias', async () => {
    for (const [xs, fs, strides, padding, dilations, withBias, act] of [
      [[2, 9, 9, 17], [3, 3, 17, 18], [1, 1], 'same', [1, 1], true, 'relu'],
      [[2, 9, 10, 19], [3, 2, 19, 21], [2, 3], 'valid', [1, 1], false, 'relu'],
      [[1, 11, 9, 20], [2, 3, 20, 17], [1, 1], 'same', [2, 2], true, 'linear'],
      [[2, 6, 6, 18], [1, 1, 18, 20], [1, 1], 'valid', [1, 1], true, 'relu'],
      [[1, 7, 7, 2], [3, 3, 2, 5], [1, 1], 'same', [1, 1], true, 'relu'],
    ] as const) {
      const info = nr.conv2dInfo(xs, fs, strides, padding, dilations);
      const x = operand([...xs]);
      const f = operand([...fs]);
      const bias = withBias ? operand([info.outChannels]) : null;
      const out = f32([info.batch, info.outHeight, info.outWidth, info.outChannels]);
      const what = `x [${xs}] filter [${fs}] strides [${strides}] ${padding} dilations [${dilations}] bias=${withBias} ${act}`;
      await compare(what, directMaxMacs, (be, s) =>
        be.kernels.conv2dBiasActivation!(x[s], f[s], bias?.[s] ?? null, act, info, out),
      );
    }
  });
});
