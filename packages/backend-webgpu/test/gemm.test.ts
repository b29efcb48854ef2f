/**
 * Both GEMM kernels behind matmul and the convolutions, against the CPU backend's kernels. The shared
 * suite's shapes are small, so they mostly reach the direct kernel; here the threshold is lowered so the
 * tiled kernel (workgroup memory, narrow and square tiles, split-K filter gradients, strided and dilated
 * im2col) runs on modest shapes with ragged edges. The tiled kernel serves products wider than 16 both
 * ways, so the convolutions here have more than 16 channels (the last one, with few channels, exercises
 * the direct kernel's split-K filter gradient).
 */
import { cpu } from '@neurona/backend-cpu';
import * as nr from '@neurona/core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { requireCapability } from '../../../test-utils/capabilities.js';
import { type WebGpuBackend, webgpu } from '../src/index.js';
import { dualBackends } from './dual.js';

const hasGpu = await requireCapability('webgpu', 'backend-webgpu GEMM tests');

const TOL = 1e-4;
let gpu: WebGpuBackend;
const ref = cpu();
const rng = new nr.Rng(99);

beforeAll(async () => {
  gpu = await webgpu();
});
afterAll(() => gpu?.destroy());

const { operand, compare } = dualBackends(() => gpu, ref, rng, TOL);

describe.runIf(hasGpu).each([
  ['tiled', 0],
  ['direct', Number.POSITIVE_INFINITY],
])('%s GEMM kernel', (_name, directMaxMacs) => {
  it('batched matMul with transposes, a broadcast batch and ragged edges', async () => {
    for (const [m, k, n, ta, tb] of [
      [37, 29, 70, false, false],
      [70, 19, 33, true, true],
      [5, 66, 40, false, true],
    ] as const) {
      const a = operand(ta ? [2, k, m] : [2, m, k]);
      const b = operand(tb ? [1, n, k] : [1, k, n]);
      const out = { shape: [2, m, n], dtype: 'float32' as const };
      await compare(`matmul ${m}x${k}x${n} ta=${ta} tb=${tb}`, directMaxMacs, (be, s) =>
        be.kernels.matmul(a[s], b[s], ta, tb, out),
      );
    }
  });

  it('conv2d and both gradients: same and valid, strided, dilated, split-K', async () => {
    for (const [xs, fs, strides, padding, dilations] of [
      [[4, 12, 12, 17], [3, 3, 17, 18], [1, 1], 'same', [1, 1]],
      [[2, 9, 10, 19], [3, 2, 19, 21], [2, 3], 'valid', [1, 1]],
      [[1, 11, 9, 20], [2, 3, 20, 17], [1, 1], 'same', [2, 2]],
      [[3, 16, 16, 2], [3, 3, 2, 5], [1, 1], 'same', [1, 1]],
    ] as const) {
      const info = nr.conv2dInfo(xs, fs, strides, padding, dilations);
      const x = operand([...xs]);
      const f = operand([...fs]);
      const dy = operand([info.batch, info.outHeight, info.outWidth, info.outChannels]);
      const what = `x [${xs}] filter [${fs}] strides [${strides}] ${padding} dilations [${dilations}]`;
      const f32 = (shape: readonly number[]) => ({ shape, dtype: 'float32' as const });
      await compare(`conv2d ${what}`, directMaxMacs, (be, s) =>
        be.kernels.conv2d!(x[s], f[s], info, f32(dy.cpu.shape)),
      );
      await compare(`conv2dGradInput ${what}`, directMaxMacs, (be, s) =>
        be.kernels.conv2dGradInput!(dy[s], f[s], info, f32(xs)),
      );
      await compare(`conv2dGradFilter ${what}`, directMaxMacs, (be, s) =>
        be.kernels.conv2dGradFilter!(x[s], dy[s], info, f32(fs)),
      );
    }
  });
});
