/**
 * Fast `optimizerUpdate`: Adam and SGD run as one WebAssembly SIMD pass over each parameter and its slots,
 * in place in WebAssembly memory. RMSprop, Adagrad, and parameters whose data lives in a JavaScript array
 * run the reference loop on the same data (also in place).
 *
 * @packageDocumentation
 */
import type { FusedKernels, Operand } from '@neurona/core';
import { updateParameter } from '../kernels/optimizer.js';
import { type CpuStorage, sizeOf } from '../storage.js';
import { HeapRecord } from './heap.js';
import type { Runtime } from './runtime.js';

/**
 * Build the fast `optimizerUpdate` over `store`.
 *
 * @example
 * ```ts
 * const optimizerUpdate = fastOptimizerUpdate(runtime, store);
 * ```
 */
export function fastOptimizerUpdate(rt: Runtime, store: CpuStorage): FusedKernels['optimizerUpdate'] {
  const heap = rt.heap;
  const k = rt.kernels;
  return (rule, params, grads, slots) => {
    for (let p = 0; p < params.length; p++) {
      const targets = [params[p]!, ...slots[p]!].map((o) => store.get(o.handle));
      // Written in place below: derived data (packed GEMM panels of a weight) no longer matches.
      for (const r of targets) if (r instanceof HeapRecord) r.forget();
      const inHeap = targets.every((r) => r instanceof HeapRecord);
      const n = sizeOf(params[p]!.shape);
      if (!inHeap || (rule.kind !== 'adam' && rule.kind !== 'sgd') || n === 0) {
        const f32 = (o: Operand) => store.data(o.handle) as Float32Array;
        updateParameter(rule, f32(params[p]!), f32(grads[p]!), slots[p]!.map(f32));
        continue;
      }
      const ptrs = (targets as HeapRecord[]).map((r) => r.ptr);
      // A gradient in a JavaScript array is copied in for the call.
      const gRec = store.get(grads[p]!.handle);
      let g = gRec instanceof HeapRecord ? gRec.ptr : 0;
      const copied = g === 0 ? n * 4 : 0;
      if (copied > 0) {
        g = heap.alloc(copied);
        heap.f32().set(gRec.data as Float32Array, g >> 2);
      }
      try {
        if (rule.kind === 'adam') {
          const { lrT, beta1, beta2, epsilon, amsgrad } = rule;
          const [w, m, v, vh] = ptrs as [number, number, number, number | undefined];
          k.adamUpdate(w, g, m, v, amsgrad ? vh! : 0, n, lrT, 1 - beta1, 1 - beta2, epsilon);
        } else {
          const [w, vel] = ptrs as [number, number | undefined];
          k.sgdUpdate(w, g, vel ?? 0, n, rule.lr, rule.momentum, rule.nesterov ? 1 : 0);
        }
      } finally {
        if (copied > 0) heap.free(g, copied);
      }
    }
  };
}
