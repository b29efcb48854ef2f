/**
 * Test-only: a broadcast-correct `FusedBatchNorm` for tfjs-backend-cpu 4.22, the oracle of the real-models test.
 * tfjs-backend-cpu's kernel walks the mean, variance, scale and offset by flat index modulo their length, so it
 * broadcasts them along the last axis only; tfjs-layers reshapes them to `[1, C, 1, 1]` for a channels-first
 * BatchNormalization (axis 1), which that kernel then reads wrongly. This kernel broadcasts by shape.
 */
import * as tf from '@tensorflow/tfjs-core';

type Values = Float32Array;
interface CpuData {
  data: { get(id: object): { values: Values } };
  makeTensorInfo(shape: number[], dtype: string, values: Values): tf.TensorInfo;
}

/** Index into a parameter of `pshape` broadcast against `xshape`, for each flat index of x. */
function broadcastIndex(xshape: readonly number[], pshape: readonly number[]): (i: number) => number {
  const rank = xshape.length;
  const p = [...Array(rank - pshape.length).fill(1), ...pshape];
  const pstride = new Array<number>(rank).fill(1);
  for (let d = rank - 2; d >= 0; d--) pstride[d] = pstride[d + 1]! * p[d + 1]!;
  return (i: number) => {
    let rest = i;
    let j = 0;
    for (let d = rank - 1; d >= 0; d--) {
      const c = rest % xshape[d]!;
      rest = (rest - c) / xshape[d]!;
      if (p[d]! > 1) j += c * pstride[d]!;
    }
    return j;
  };
}

/**
 * Replace tfjs-backend-cpu's `FusedBatchNorm` by one that broadcasts its parameters by shape.
 *
 * @example
 * ```ts
 * fixTfjsCpuBatchNorm();
 * ```
 */
export function fixTfjsCpuBatchNorm(): void {
  tf.unregisterKernel(tf.FusedBatchNorm, 'cpu');
  tf.registerKernel({
    kernelName: tf.FusedBatchNorm,
    backendName: 'cpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, mean, variance, scale, offset } = inputs as Record<string, tf.TensorInfo | undefined>;
      const cpu = backend as unknown as CpuData;
      const eps = (attrs as { varianceEpsilon?: number }).varianceEpsilon ?? 0.001;
      const read = (t: tf.TensorInfo | undefined, fallback: number): [Values, (i: number) => number] =>
        t
          ? [cpu.data.get(t.dataId).values, broadcastIndex(x!.shape, t.shape)]
          : [new Float32Array([fallback]), () => 0];
      const xv = cpu.data.get(x!.dataId).values;
      const [m, mi] = read(mean, 0);
      const [v, vi] = read(variance, 1);
      const [s, si] = read(scale, 1);
      const [o, oi] = read(offset, 0);
      const out = new Float32Array(xv.length);
      for (let i = 0; i < xv.length; i++) {
        out[i] = o[oi(i)]! + ((xv[i]! - m[mi(i)]!) * s[si(i)]!) / Math.sqrt(v[vi(i)]! + eps);
      }
      return cpu.makeTensorInfo(x!.shape, x!.dtype, out);
    },
  });
}
