/**
 * The fast kernel table: each kernel runs on the WebAssembly kernels when its dtypes and shapes fit, and
 * otherwise calls the reference kernel. Outputs of fast kernels live in WebAssembly memory
 * ({@link HeapRecord}); an input that lives in a JavaScript array is copied in for the call.
 *
 * @packageDocumentation
 */
import type {
  Conv2DInfo,
  FusedKernels,
  Handle,
  Operand,
  Pool2DInfo,
  RequiredKernels,
  TensorInfo,
} from '@neurona/core';
import { collapse } from '../kernels/strided.js';
import { type CpuStorage, sizeOf, stridesOf } from '../storage.js';
import { fastChannelAffine } from './affine.js';
import { binaryPlan } from './broadcast.js';
import { fastConv2d, fastConv2dGradFilter, fastConv2dGradInput, fastPool } from './conv.js';
import {
  fastDepthwiseConv2d,
  fastDepthwiseConv2dGradFilter,
  fastDepthwiseConv2dGradInput,
} from './depthwise.js';
import { type GemmSpec, type Parallelism, runGemm } from './gemm.js';
import { HeapRecord } from './heap.js';
import type { TaskName } from './kernel-exports.js';
import { A_MODE, BINARY_CODES, REDUCE_CODES, UNARY_CODES } from './layout.js';
import { concatBytes, gatherBytes, padBytes, sliceBytes } from './movement.js';
import { fastOptimizerUpdate } from './optimizer.js';
import { fastRecurrent } from './recurrent.js';
import type { Runtime } from './runtime.js';
import { sparseXentRows } from './sparse-xent.js';

type Table = RequiredKernels & FusedKernels;

const BYTES = { float32: 4, int32: 4, bool: 1 } as const;

/**
 * The GEMM of a `matmul` kernel call (operands at `pa`, `pb`; output at `o`; optional bias pointer, ReLU, and
 * the record of B). One object literal with every field, in `GemmSpec`'s order, and no spreads: a tiny
 * product costs less than property reads on objects of many shapes.
 */
function gemmSpec(
  pa: number,
  pb: number,
  a: Operand,
  b: Operand,
  transposeA: boolean,
  transposeB: boolean,
  out: TensorInfo,
  o: number,
  bias: number,
  relu: boolean,
  bOwner: HeapRecord | undefined,
): GemmSpec {
  const [batch, M, N] = out.shape as [number, number, number];
  const K = transposeA ? a.shape[1]! : a.shape[2]!;
  return {
    M,
    N,
    K,
    batch,
    a: pa,
    aRs: transposeA ? 1 : K,
    aCs: transposeA ? M : 1,
    aBatch: a.shape[0] === 1 ? 0 : M * K,
    aMode: A_MODE.STRIDED,
    geom: 0,
    b: pb,
    bRs: transposeB ? 1 : N,
    bCs: transposeB ? K : 1,
    bBatch: b.shape[0] === 1 ? 0 : K * N,
    c: o,
    ldc: N,
    cBatch: M * N,
    accumulate: false,
    bias,
    relu,
    bOwner,
  };
}

/**
 * Build the fast kernel table over `store`, falling back to `reference` (a table over the same store).
 * Outputs are kept in `owned` while live (see `Heap.track`).
 *
 * @example
 * ```ts
 * const kernels = fastKernels(runtime, store, runtime.heap.track(backend), referenceKernels, { threads: 2, threshold: 1 << 19 });
 * ```
 */
export function fastKernels(
  rt: Runtime,
  store: CpuStorage,
  owned: Set<HeapRecord>,
  reference: Table,
  par: Parallelism,
): Table {
  const heap = rt.heap;
  const k = rt.kernels;
  const temps: number[] = [];

  /** Address of an operand's data in WebAssembly memory (a JavaScript array is copied in for this call). */
  const ptr = (x: Operand): number => {
    const rec = store.get(x.handle);
    if (rec instanceof HeapRecord) return rec.ptr;
    const data = rec.data;
    const p = heap.alloc(data.byteLength);
    heap.u8().set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), p);
    temps.push(p, data.byteLength);
    return p;
  };

  /** The record of an operand whose data lives in WebAssembly memory (it may keep packed panels of it). */
  const heapRecord = (x: Operand): HeapRecord | undefined => {
    const rec = store.get(x.handle);
    return rec instanceof HeapRecord ? rec : undefined;
  };

  /** Run `fill(outputAddress)` on a new output record; frees copies, and the output on failure. */
  const produce = (out: TensorInfo, fill: (o: number) => void): Handle => {
    const rec = heap.record(out.dtype, out.shape, sizeOf(out.shape), owned);
    try {
      fill(rec.ptr);
    } catch (e) {
      rec.release();
      throw e;
    } finally {
      for (let i = 0; i < temps.length; i += 2) heap.free(temps[i]!, temps[i + 1]!);
      temps.length = 0;
    }
    return store.adopt(rec);
  };

  const empty = (out: TensorInfo): boolean => sizeOf(out.shape) === 0;

  const pool =
    (task: TaskName) =>
    (x: Operand | null, dy: Operand | null, info: Pool2DInfo, out: TensorInfo): Handle =>
      produce(out, (o) => {
        if (!empty(out)) fastPool(rt, task, x ? ptr(x) : 0, dy ? ptr(dy) : 0, o, info, par);
      });

  const conv =
    (run: typeof fastConv2d) =>
    (a: Operand, b: Operand, info: Conv2DInfo, out: TensorInfo): Handle =>
      produce(out, (o) => {
        if (!empty(out)) run(rt, ptr(a), ptr(b), o, info, par);
      });

  const maxPool = pool('maxPoolTask');
  const maxPoolGrad = pool('maxPoolGradTask');
  const avgPool = pool('avgPoolTask');
  const avgPoolGrad = pool('avgPoolGradTask');

  return {
    ...reference,

    unary(op, x, out) {
      const code = UNARY_CODES[op];
      if (code === undefined || x.dtype !== 'float32' || out.dtype !== 'float32')
        return reference.unary(op, x, out);
      return produce(out, (o) => k.unaryF32(code, ptr(x), o, sizeOf(out.shape)));
    },

    binary(op, a, b, out) {
      const code = BINARY_CODES[op];
      const plan =
        code === undefined || a.dtype !== 'float32' ? null : binaryPlan(a.shape, b.shape, out.shape);
      if (code === undefined || plan === null) return reference.binary(op, a, b, out);
      return produce(out, (o) => {
        if (empty(out)) return;
        const pa = ptr(a);
        const pb = ptr(b);
        k.binaryF32(code, pa, plan.a.row, plan.a.col, pb, plan.b.row, plan.b.col, o, plan.rows, plan.inner);
      });
    },

    reluGrad(dy, y, out) {
      return produce(out, (o) => k.reluGradF32(ptr(dy), ptr(y), o, sizeOf(out.shape)));
    },

    cast(x, out) {
      const n = sizeOf(out.shape);
      if (out.dtype === 'float32' && x.dtype === 'bool')
        return produce(out, (o) => k.boolToF32(ptr(x), o, n));
      if (out.dtype === 'float32' && x.dtype === 'int32')
        return produce(out, (o) => k.i32ToF32(ptr(x), o, n));
      if (out.dtype === 'bool' && x.dtype === 'float32')
        return produce(out, (o) => k.f32ToBool(ptr(x), o, n));
      return reference.cast(x, out);
    },

    reduce(op, x, out) {
      const code = REDUCE_CODES[op];
      if (code === undefined || x.dtype !== 'float32') return reference.reduce(op, x, out);
      const rows = sizeOf(out.shape);
      return produce(out, (o) => {
        if (rows > 0) k.reduceRows(code, ptr(x), o, rows, sizeOf(x.shape) / rows);
      });
    },

    transpose(x, perm, out) {
      if (x.dtype === 'bool' || empty(out)) return reference.transpose(x, perm, out);
      const xStrides = stridesOf(x.shape);
      const plan = collapse(out.shape, [stridesOf(out.shape), perm.map((p) => xStrides[p]!)]);
      if (plan.shape.length > 4) return reference.transpose(x, perm, out);
      const pad = 4 - plan.shape.length;
      const s = [...new Array<number>(pad).fill(1), ...plan.shape];
      const t = [...new Array<number>(pad).fill(0), ...plan.strides[1]!];
      return produce(out, (o) =>
        k.permute4(o, ptr(x), s[0]!, s[1]!, s[2]!, s[3]!, t[0]!, t[1]!, t[2]!, t[3]!),
      );
    },

    slice(x, begin, out) {
      return produce(out, (o) => {
        if (empty(out)) return;
        const src = ptr(x); // first: copying in may grow the memory
        sliceBytes(heap.u8(), src, x.shape, begin, out.shape, BYTES[x.dtype], o);
      });
    },

    pad(x, paddings, value, out) {
      return produce(out, (o) => {
        const n = sizeOf(out.shape);
        if (n === 0) return;
        const src = ptr(x); // first: copying in may grow the memory
        heap.view(out.dtype, o, n).fill(value);
        padBytes(heap.u8(), src, x.shape, paddings, out.shape, BYTES[x.dtype], o);
      });
    },

    concat(xs, axis, out) {
      return produce(out, (o) => {
        if (empty(out)) return;
        const srcs = xs.map(ptr);
        concatBytes(
          heap.u8(),
          srcs,
          xs.map((x) => x.shape),
          axis,
          BYTES[out.dtype],
          o,
        );
      });
    },

    gather(x, indices, axis, out) {
      return produce(out, (o) => {
        if (empty(out)) return;
        const src = ptr(x);
        gatherBytes(heap.u8(), src, x.shape, store.data(indices.handle), axis, BYTES[x.dtype], o);
      });
    },

    matmul(a, b, transposeA, transposeB, out) {
      if (out.dtype !== 'float32') return reference.matmul(a, b, transposeA, transposeB, out);
      return produce(out, (o) => {
        if (empty(out)) return;
        runGemm(
          rt,
          gemmSpec(ptr(a), ptr(b), a, b, transposeA, transposeB, out, o, 0, false, heapRecord(b)),
          par,
        );
      });
    },

    conv2d: (x, filter, info, out) =>
      produce(out, (o) => {
        if (!empty(out)) fastConv2d(rt, ptr(x), ptr(filter), o, info, par, 0, false, heapRecord(filter));
      }),
    conv2dGradInput: conv(fastConv2dGradInput),
    conv2dGradFilter: conv(fastConv2dGradFilter),
    depthwiseConv2d: conv(fastDepthwiseConv2d),
    depthwiseConv2dGradInput: conv(fastDepthwiseConv2dGradInput),
    depthwiseConv2dGradFilter: conv(fastDepthwiseConv2dGradFilter),
    maxPool: (x, info, out) => maxPool(x, null, info, out),
    maxPoolGrad: (dy, x, info, out) => maxPoolGrad(x, dy, info, out),
    avgPool: (x, info, out) => avgPool(x, null, info, out),
    avgPoolGrad: (dy, info, out) => avgPoolGrad(null, dy, info, out),

    unsortedSegmentSum(x, ids, numSegments, out) {
      if (x.dtype !== 'float32') return reference.unsortedSegmentSum(x, ids, numSegments, out);
      const size = sizeOf(out.shape);
      return produce(out, (o) => {
        if (size === 0) return;
        const rows = sizeOf(ids.shape);
        const px = ptr(x);
        const pi = ptr(ids);
        const acc = heap.alloc(size * 8);
        try {
          k.segmentSum(px, pi, rows, size / numSegments, numSegments, acc, o);
        } finally {
          heap.free(acc, size * 8);
        }
      });
    },

    softmax(x, out) {
      const n = x.shape.length === 0 ? 1 : x.shape[x.shape.length - 1]!;
      const size = sizeOf(out.shape);
      return produce(out, (o) => {
        if (size > 0 && n > 0) k.softmaxRows(0, ptr(x), o, size / n, n);
      });
    },

    logSoftmax(x, out) {
      const n = x.shape.length === 0 ? 1 : x.shape[x.shape.length - 1]!;
      const size = sizeOf(out.shape);
      return produce(out, (o) => {
        if (size > 0 && n > 0) k.softmaxRows(1, ptr(x), o, size / n, n);
      });
    },

    sparseSoftmaxCrossEntropy(x, labels, out) {
      if (x.dtype !== 'float32' || labels.dtype !== 'int32' || x.shape.length !== 2)
        return reference.sparseSoftmaxCrossEntropy(x, labels, out);
      const [rows, classes] = x.shape as [number, number];
      return produce(out, (o) => {
        if (rows > 0 && classes > 0) sparseXentRows(rt, ptr(x), ptr(labels), 0, o, rows, classes);
      });
    },

    sparseSoftmaxCrossEntropyGrad(dy, x, labels, out) {
      if (x.dtype !== 'float32' || labels.dtype !== 'int32' || dy.dtype !== 'float32' || x.shape.length !== 2)
        return reference.sparseSoftmaxCrossEntropyGrad(dy, x, labels, out);
      const [rows, classes] = x.shape as [number, number];
      return produce(out, (o) => {
        if (rows === 0 || classes === 0) return;
        const px = ptr(x);
        const pl = ptr(labels);
        sparseXentRows(rt, px, pl, ptr(dy), o, rows, classes);
      });
    },

    optimizerUpdate: fastOptimizerUpdate(rt, store),
    lstmSequence: (x, u, info, out) =>
      produce(out, (o) => {
        if (!empty(out)) fastRecurrent(rt, 'lstm', { a: ptr(x), p: 0, u: ptr(u), rb: 0, out: o }, info);
      }),
    lstmSequenceGrad: (d, p, u, info, out) =>
      produce(out, (o) => {
        if (empty(out)) return;
        fastRecurrent(rt, 'lstmGrad', { a: ptr(d), p: ptr(p), u: ptr(u), rb: 0, out: o }, info);
      }),
    gruSequence: (x, u, rb, info, out) =>
      produce(out, (o) => {
        if (empty(out)) return;
        const ptrs = { a: ptr(x), p: 0, u: ptr(u), rb: rb ? ptr(rb) : 0, out: o };
        fastRecurrent(rt, 'gru', ptrs, info);
      }),
    gruSequenceGrad: (d, p, u, info, out) =>
      produce(out, (o) => {
        if (empty(out)) return;
        fastRecurrent(rt, 'gruGrad', { a: ptr(d), p: ptr(p), u: ptr(u), rb: 0, out: o }, info);
      }),
    rnnSequence: (x, u, info, out) =>
      produce(out, (o) => {
        if (!empty(out)) fastRecurrent(rt, 'rnn', { a: ptr(x), p: 0, u: ptr(u), rb: 0, out: o }, info);
      }),
    rnnSequenceGrad: (d, p, u, info, out) =>
      produce(out, (o) => {
        if (empty(out)) return;
        fastRecurrent(rt, 'rnnGrad', { a: ptr(d), p: ptr(p), u: ptr(u), rb: 0, out: o }, info);
      }),
    matmulBiasActivation(a, b, bias, activation, transposeA, transposeB, out) {
      const K = transposeA ? a.shape[1]! : a.shape[2]!;
      if (K === 0) return reference.matmulBiasActivation(a, b, bias, activation, transposeA, transposeB, out);
      return produce(out, (o) => {
        if (empty(out)) return;
        const pc = bias ? ptr(bias) : 0;
        const relu = activation === 'relu';
        runGemm(
          rt,
          gemmSpec(ptr(a), ptr(b), a, b, transposeA, transposeB, out, o, pc, relu, heapRecord(b)),
          par,
        );
      });
    },

    channelAffine(x, mean, scale, offset, activation, out) {
      if (x.dtype !== 'float32') return reference.channelAffine(x, mean, scale, offset, activation, out);
      const n = sizeOf(out.shape);
      const c = out.shape.length === 0 ? 1 : out.shape[out.shape.length - 1]!;
      return produce(out, (o) => {
        if (n === 0) return;
        const p = { x: ptr(x), mean: mean ? ptr(mean) : 0, scale: scale ? ptr(scale) : 0 };
        const ptrs = { ...p, offset: offset ? ptr(offset) : 0, out: o };
        fastChannelAffine(rt, ptrs, n, c, activation === 'relu6', par);
      });
    },

    conv2dBiasActivation(x, filter, bias, activation, info, out) {
      if (info.inChannels === 0)
        return reference.conv2dBiasActivation(x, filter, bias, activation, info, out);
      return produce(out, (o) => {
        if (empty(out)) return;
        const pb = bias ? ptr(bias) : 0;
        const relu = activation === 'relu';
        fastConv2d(rt, ptr(x), ptr(filter), o, info, par, pb, relu, heapRecord(filter));
      });
    },
  };
}
