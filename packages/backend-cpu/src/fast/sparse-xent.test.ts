import { describe, expect, it } from 'vitest';
import { fastRuntime, type Runtime } from './runtime.js';
import { sparseXentRows } from './sparse-xent.js';

/** Copy `data` into a new block of the runtime's memory (the caller frees it). */
function put(rt: Runtime, data: Float32Array | Int32Array): number {
  const p = rt.heap.alloc(data.byteLength);
  new Uint8Array(rt.heap.memory.buffer).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), p);
  return p;
}

/** Float64 hand loops: per-row loss and `dy * (softmax - onehot)`, NaN for a label outside `[0, c)`. */
function float64(x: Float32Array, labels: Int32Array, dy: Float32Array, c: number) {
  const n = labels.length;
  const loss = new Float64Array(n);
  const grad = new Float64Array(n * c);
  for (let r = 0; r < n; r++) {
    const row = Array.from(x.subarray(r * c, (r + 1) * c));
    const label = labels[r]!;
    if (!(label >= 0 && label < c)) {
      loss[r] = Number.NaN;
      grad.fill(Number.NaN, r * c, (r + 1) * c);
      continue;
    }
    const max = Math.max(...row);
    const sum = row.reduce((s, v) => s + Math.exp(v - max), 0);
    loss[r] = Math.log(sum) - (row[label]! - max);
    for (let j = 0; j < c; j++)
      grad[r * c + j] = dy[r]! * (Math.exp(row[j]! - max) / sum - (j === label ? 1 : 0));
  }
  return { loss, grad };
}

function run(x: Float32Array, labels: Int32Array, dy: Float32Array, c: number) {
  const rt = fastRuntime()!;
  const n = labels.length;
  const px = put(rt, x);
  const pl = put(rt, labels);
  const pd = put(rt, dy);
  const po = put(rt, new Float32Array(n).fill(-7)); // every element must be written
  const pg = put(rt, new Float32Array(n * c).fill(-7));
  try {
    sparseXentRows(rt, px, pl, 0, po, n, c);
    sparseXentRows(rt, px, pl, pd, pg, n, c);
    const f = rt.heap.f32();
    return { loss: f.slice(po >> 2, (po >> 2) + n), grad: f.slice(pg >> 2, (pg >> 2) + n * c) };
  } finally {
    for (const [p, b] of [
      [px, x.byteLength],
      [pl, labels.byteLength],
      [pd, dy.byteLength],
      [po, n * 4],
      [pg, n * c * 4],
    ] as const)
      rt.heap.free(p, b);
  }
}

function expectClose(got: Float32Array, want: Float64Array, what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < got.length; i++) {
    if (Number.isNaN(want[i]!)) expect(got[i], `${what}[${i}]`).toBeNaN();
    else
      expect(Math.abs(got[i]! - want[i]!), `${what}[${i}]`).toBeLessThan(
        2e-6 * Math.max(1, Math.abs(want[i]!)),
      );
  }
}

describe('sparseXentRows (WebAssembly softmax, host pick)', () => {
  it.each([
    [1, 1],
    [1, 3],
    [3, 4],
    [7, 10],
    [64, 10],
    [5, 13],
    [2, 33],
  ])('%i rows x %i classes against float64 hand loops', (n, c) => {
    const x = Float32Array.from({ length: n * c }, (_, i) => Math.sin(i * 12.9898 + 1) * 8);
    x[0] = 60; // a large logit: the row maximum keeps exp in range
    const labels = Int32Array.from({ length: n }, (_, r) => (r * 7) % c);
    const dy = Float32Array.from({ length: n }, (_, r) => (r % 3) - 0.75);
    const got = run(x, labels, dy, c);
    const want = float64(x, labels, dy, c);
    expectClose(got.loss, want.loss, 'loss');
    expectClose(got.grad, want.grad, 'gradient');
  });

  it('gives NaN for a label outside [0, classes), and leaves the other rows exact', () => {
    const c = 5;
    const x = Float32Array.from({ length: 4 * c }, (_, i) => i * 0.3 - 2);
    const labels = Int32Array.from([0, 5, -1, 4]);
    const dy = Float32Array.from([1, 1, 2, 0]);
    const got = run(x, labels, dy, c);
    const want = float64(x, labels, dy, c);
    expectClose(got.loss, want.loss, 'loss');
    expectClose(got.grad, want.grad, 'gradient');
    expect(got.grad.subarray(3 * c).every((v) => v === 0 || Object.is(v, -0))).toBe(true); // dy 0: zero row
  });
});
