import { setFlagsFromString } from 'node:v8';
import * as nr from '@neurona/core';
import { describe, expect, it } from 'vitest';
import { conv2dGradFilter } from '../kernels/conv2d.js';
import { matmul } from '../kernels/matmul.js';
import { fastConv2dGradFilter } from './conv.js';
import { runGemm } from './gemm.js';
import { decodeBase64 } from './module.js';
import { Runtime } from './runtime.js';
import { WASM_RELAXED_SIMD } from './wasm-bytes.generated.js';

// Node 20 runs relaxed SIMD only behind a V8 flag (Chromium runs it by default): turn it on for this
// process so that the relaxed build, which browsers pick, is checked too.
setFlagsFromString('--experimental-wasm-relaxed-simd');

function relaxedRuntime(): Runtime {
  const bytes = decodeBase64(WASM_RELAXED_SIMD);
  expect(WebAssembly.validate(bytes)).toBe(true);
  const memory = new WebAssembly.Memory({ initial: 32, maximum: 65536, shared: true });
  return new Runtime(new WebAssembly.Module(bytes), memory, 'relaxed-simd');
}

function values(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.7 + seed));
}

function put(rt: Runtime, data: Float32Array): number {
  const p = rt.heap.alloc(data.byteLength);
  rt.heap.f32().set(data, p >> 2);
  return p;
}

function expectNear(got: Float32Array, want: ArrayLike<number>): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < got.length; i++) {
    expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(want[i]!)));
  }
}

describe('relaxed-SIMD build (fused multiply-add)', () => {
  const rt = relaxedRuntime();

  it('matches the reference GEMM over several K blocks and ragged edges', () => {
    for (const [M, N, K] of [
      [37, 45, 600],
      [5, 9, 2100],
    ] as const) {
      const a = values(M * K, 1);
      const b = values(K * N, 2);
      const want = matmul(
        { data: a, shape: [1, M, K], dtype: 'float32' },
        { data: b, shape: [1, K, N], dtype: 'float32' },
        false,
        false,
        { shape: [1, M, N], dtype: 'float32' },
      );
      const c = rt.heap.alloc(M * N * 4);
      const spec = {
        M,
        N,
        K,
        batch: 1,
        a: put(rt, a),
        aRs: K,
        aCs: 1,
        aBatch: 0,
        b: put(rt, b),
        bRs: N,
        bCs: 1,
      };
      runGemm(rt, { ...spec, bBatch: 0, c, ldc: N, cBatch: 0 }, { threads: 1, threshold: Infinity });
      expectNear(rt.heap.f32().slice(c >> 2, (c >> 2) + M * N), want);
    }
  });

  it('matches the reference filter gradient of a one-channel image (direct kernel)', () => {
    const info = nr.conv2dInfo([2, 12, 12, 1], [5, 5, 1, 8], [1, 1], 'valid', [1, 1]);
    const x = values(2 * 144, 3);
    const dy = values(2 * 64 * 8, 4);
    const want = conv2dGradFilter(
      { data: x, shape: [2, 12, 12, 1], dtype: 'float32' },
      { data: dy, shape: [2, 8, 8, 8], dtype: 'float32' },
      info,
      { shape: [5, 5, 1, 8], dtype: 'float32' },
    );
    const dw = rt.heap.alloc(200 * 4);
    fastConv2dGradFilter(rt, put(rt, x), put(rt, dy), dw, info, { threads: 1, threshold: Infinity });
    expectNear(rt.heap.f32().slice(dw >> 2, (dw >> 2) + 200), want);
  });
});
