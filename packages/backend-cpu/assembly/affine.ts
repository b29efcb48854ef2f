// Per-channel affine map `act((x - mean[j]) * scale[j] + offset[j])` over rows of C channels (contiguous
// float32; j is the position in the row), vectorised along the row. Semantics match the reference kernel
// in src/kernels/channel-affine.ts. A missing vector (address 0) reads a constant that leaves the value
// exactly as it is: mean +0 (x - +0 == x), scale 1, offset -0 (z + -0 == z, also for z = -0).
// Tasks split rows; every task writes its own rows.

/** A channelAffine job, read from memory (field order matches AFFINE in src/fast/layout.ts). */
@unmanaged
export class Affine {
  x: usize;
  mean: usize;
  scale: usize;
  offset: usize;
  out: usize;
  /** Row length (channels; the whole tensor, in blocks, when there are no vectors). */
  c: i32;
  /** Elements in all (the last row may be short). */
  n: i32;
  /** Rows per task. */
  rows: i32;
  /** 1 to clamp to [0, 6]. */
  relu6: i32;
}

const PLUS_ZEROS = memory.data<f32>([0, 0, 0, 0], 16);
const ONES = memory.data<f32>([1, 1, 1, 1], 16);
const MINUS_ZEROS = memory.data<f32>([-0.0, -0.0, -0.0, -0.0], 16);

// @ts-ignore: decorator
@inline
function clampV(relu6: bool, z: v128): v128 {
  // max then min: NaN propagates, as the reference's Math.min(Math.max(z, 0), 6)
  return relu6 ? f32x4.min(f32x4.max(z, f32x4.splat(0)), f32x4.splat(6)) : z;
}

// @ts-ignore: decorator
@inline
function clampS(relu6: bool, z: f32): f32 {
  if (!relu6 || isNaN(z)) return z;
  return z < 0 ? 0 : z > 6 ? 6 : z;
}

// @ts-ignore: decorator
@inline
function affineRows(relu6: bool, g: Affine, r0: i32, r1: i32): void {
  const c = g.c;
  const m = g.mean != 0 ? g.mean : PLUS_ZEROS;
  const s = g.scale != 0 ? g.scale : ONES;
  const f = g.offset != 0 ? g.offset : MINUS_ZEROS;
  // Byte step along the row: 4 for a vector, 0 for a constant.
  const mStep: usize = g.mean != 0 ? 4 : 0;
  const sStep: usize = g.scale != 0 ? 4 : 0;
  const fStep: usize = g.offset != 0 ? 4 : 0;
  for (let r = r0; r < r1; r++) {
    const start = r * c;
    const len = min(c, g.n - start);
    const xr = g.x + (<usize>start << 2);
    const or = g.out + (<usize>start << 2);
    let i = 0;
    for (; i + 4 <= len; i += 4) {
      const k = <usize>i;
      const off = k << 2;
      let z = f32x4.sub(v128.load(xr + off), v128.load(m + k * mStep));
      z = f32x4.add(f32x4.mul(z, v128.load(s + k * sStep)), v128.load(f + k * fStep));
      v128.store(or + off, clampV(relu6, z));
    }
    for (; i < len; i++) {
      const k = <usize>i;
      const z = (load<f32>(xr + (k << 2)) - load<f32>(m + k * mStep)) * load<f32>(s + k * sStep) + load<f32>(f + k * fStep);
      store<f32>(or + (k << 2), clampS(relu6, z));
    }
  }
}

/** Task `t` of a channelAffine job at `d`: rows `[t * rows, (t + 1) * rows)`. */
export function channelAffineTask(d: usize, t: i32, tid: i32): void {
  const g = changetype<Affine>(d);
  const total = (g.n + g.c - 1) / g.c;
  const r0 = t * g.rows;
  const r1 = min(total, r0 + g.rows);
  if (g.relu6 != 0) affineRows(true, g, r0, r1);
  else affineRows(false, g, r0, r1);
}
