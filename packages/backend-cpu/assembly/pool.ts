// NHWC max and average pooling and their gradients, one image per task, vectorised over channels.
// Semantics match the reference kernels in src/kernels/pool.ts: padding never wins a max and is not
// counted by the average; NaN propagates through max; the max gradient goes to the first maximum.

/** A pooling job, read from memory (field order matches src/fast/layout.ts). */
@unmanaged
export class PoolGeom {
  x: usize;
  dy: usize;
  out: usize;
  H: i32;
  W: i32;
  C: i32;
  outH: i32;
  outW: i32;
  fh: i32;
  fw: i32;
  sh: i32;
  sw: i32;
  padTop: i32;
  padLeft: i32;
}

/** Task n: max pooling of image n. */
export function maxPoolTask(d: usize, n: i32, tid: i32): void {
  const g = changetype<PoolGeom>(d);
  const C = g.C;
  const rowBytes = <usize>g.W * <usize>C << 2;
  const x = g.x + <usize>n * <usize>g.H * rowBytes;
  let o = g.out + (<usize>n * <usize>g.outH * <usize>g.outW * <usize>C << 2);
  const ninf = f32x4.splat(-Infinity);
  for (let oh = 0; oh < g.outH; oh++) {
    const top = oh * g.sh - g.padTop;
    const r0 = max(0, top);
    const r1 = min(g.H, top + g.fh);
    for (let ow = 0; ow < g.outW; ow++) {
      const left = ow * g.sw - g.padLeft;
      const s0 = max(0, left);
      const s1 = min(g.W, left + g.fw);
      let c = 0;
      if (r1 - r0 == 2 && s1 - s0 == 2) {
        // A 2x2 window (the common pool size), unrolled: four loads, three max per 4 channels.
        const p = x + <usize>r0 * rowBytes + (<usize>s0 * <usize>C << 2);
        const q = p + rowBytes;
        const pixel = <usize>C << 2;
        for (; c + 4 <= C; c += 4) {
          const off = <usize>c << 2;
          const top = f32x4.max(v128.load(p + off), v128.load(p + pixel + off));
          const bottom = f32x4.max(v128.load(q + off), v128.load(q + pixel + off));
          v128.store(o + off, f32x4.max(top, bottom));
        }
      }
      for (; c + 4 <= C; c += 4) {
        let m = ninf;
        for (let r = r0; r < r1; r++) {
          const row = x + <usize>r * rowBytes + (<usize>c << 2);
          for (let s = s0; s < s1; s++) m = f32x4.max(m, v128.load(row + (<usize>s * <usize>C << 2)));
        }
        v128.store(o + (<usize>c << 2), m);
      }
      for (; c < C; c++) {
        let m: f32 = -Infinity;
        for (let r = r0; r < r1; r++) {
          const row = x + <usize>r * rowBytes + (<usize>c << 2);
          for (let s = s0; s < s1; s++) m = max<f32>(m, load<f32>(row + (<usize>s * <usize>C << 2)));
        }
        store<f32>(o + (<usize>c << 2), m);
      }
      o += <usize>C << 2;
    }
  }
}

/** Task n: gradient of max pooling for image n (dx zeroed here, then each dy added at its window's first max). */
export function maxPoolGradTask(d: usize, n: i32, tid: i32): void {
  const g = changetype<PoolGeom>(d);
  const C = g.C;
  const rowFloats = g.W * C;
  const imageFloats = <usize>g.H * <usize>rowFloats;
  const x = g.x + (<usize>n * imageFloats << 2);
  const dx = g.out + (<usize>n * imageFloats << 2);
  // Windows that tile (part of) the image, stride = window, all inside: every element is written once.
  const tiles =
    g.sh == g.fh && g.sw == g.fw && g.padTop == 0 && g.padLeft == 0 && C % 4 == 0 && g.outH * g.fh <= g.H && g.outW * g.fw <= g.W;
  if (!tiles || g.outH * g.fh != g.H || g.outW * g.fw != g.W) memory.fill(dx, 0, imageFloats << 2);
  if (tiles) {
    maxPoolGradTiles(g, x, dx, g.dy + (<usize>n * <usize>g.outH * <usize>g.outW * <usize>C << 2));
    return;
  }
  let dy = g.dy + (<usize>n * <usize>g.outH * <usize>g.outW * <usize>C << 2);
  const ninf = f32x4.splat(-Infinity);
  for (let oh = 0; oh < g.outH; oh++) {
    const top = oh * g.sh - g.padTop;
    const r0 = max(0, top);
    const r1 = min(g.H, top + g.fh);
    for (let ow = 0; ow < g.outW; ow++, dy += <usize>C << 2) {
      const left = ow * g.sw - g.padLeft;
      const s0 = max(0, left);
      const s1 = min(g.W, left + g.fw);
      if (r0 >= r1 || s0 >= s1) continue;
      const first = r0 * rowFloats + s0 * C;
      let c = 0;
      for (; c + 4 <= C; c += 4) {
        let best = ninf;
        let at = i32x4.add(i32x4.splat(first + c), i32x4(0, 1, 2, 3));
        for (let r = r0; r < r1; r++) {
          let idx = i32x4.add(i32x4.splat(r * rowFloats + s0 * C + c), i32x4(0, 1, 2, 3));
          for (let s = s0; s < s1; s++) {
            const v = v128.load(x + (<usize>i32x4.extract_lane(idx, 0) << 2));
            // v wins if greater, or NaN while the best so far is not.
            const win = v128.or(f32x4.gt(v, best), v128.and(f32x4.ne(v, v), f32x4.eq(best, best)));
            best = v128.bitselect(v, best, win);
            at = v128.bitselect(idx, at, win);
            idx = i32x4.add(idx, i32x4.splat(C));
          }
        }
        const gv = v128.load(dy + (<usize>c << 2));
        addAt(dx, i32x4.extract_lane(at, 0), f32x4.extract_lane(gv, 0));
        addAt(dx, i32x4.extract_lane(at, 1), f32x4.extract_lane(gv, 1));
        addAt(dx, i32x4.extract_lane(at, 2), f32x4.extract_lane(gv, 2));
        addAt(dx, i32x4.extract_lane(at, 3), f32x4.extract_lane(gv, 3));
      }
      for (; c < C; c++) {
        let best: f32 = -Infinity;
        let at = first + c;
        for (let r = r0; r < r1; r++) {
          for (let s = s0; s < s1; s++) {
            const i = r * rowFloats + s * C + c;
            const v = load<f32>(x + (<usize>i << 2));
            if (v > best || (v != v && best == best)) {
              best = v;
              at = i;
            }
          }
        }
        addAt(dx, at, load<f32>(dy + (<usize>c << 2)));
      }
    }
  }
}

/**
 * Max-pool gradient for windows that tile the image, channels a multiple of 4: find each window's first
 * maximum per channel, then write dy there and 0 elsewhere in the window.
 */
function maxPoolGradTiles(g: PoolGeom, x: usize, dx: usize, dy: usize): void {
  const C = g.C;
  const rowFloats = g.W * C;
  if (g.fh == 2 && g.fw == 2) {
    maxPoolGradTiles2x2(g, x, dx, dy);
    return;
  }
  const ninf = f32x4.splat(-Infinity);
  const zero = f32x4.splat(0);
  const lanes = i32x4(0, 1, 2, 3);
  for (let oh = 0; oh < g.outH; oh++) {
    const r0 = oh * g.fh;
    for (let ow = 0; ow < g.outW; ow++, dy += <usize>C << 2) {
      const s0 = ow * g.fw;
      for (let c = 0; c < C; c += 4) {
        let best = ninf;
        let at = i32x4.add(i32x4.splat(r0 * rowFloats + s0 * C + c), lanes);
        for (let r = r0; r < r0 + g.fh; r++) {
          let idx = i32x4.add(i32x4.splat(r * rowFloats + s0 * C + c), lanes);
          for (let s = 0; s < g.fw; s++) {
            const v = v128.load(x + (<usize>i32x4.extract_lane(idx, 0) << 2));
            const win = v128.or(f32x4.gt(v, best), v128.and(f32x4.ne(v, v), f32x4.eq(best, best)));
            best = v128.bitselect(v, best, win);
            at = v128.bitselect(idx, at, win);
            idx = i32x4.add(idx, i32x4.splat(C));
          }
        }
        const gv = v128.load(dy + (<usize>c << 2));
        for (let r = r0; r < r0 + g.fh; r++) {
          let idx = i32x4.add(i32x4.splat(r * rowFloats + s0 * C + c), lanes);
          for (let s = 0; s < g.fw; s++) {
            v128.store(dx + (<usize>i32x4.extract_lane(idx, 0) << 2), v128.bitselect(gv, zero, i32x4.eq(idx, at)));
            idx = i32x4.add(idx, i32x4.splat(C));
          }
        }
      }
    }
  }
}

/** Whether each lane of `v` is the window's winner `m`: equal to it, or NaN (then `m` is NaN too). */
// @ts-ignore: decorator
@inline
function hits(v: v128, m: v128): v128 {
  return v128.or(f32x4.eq(v, m), f32x4.ne(v, v));
}

/**
 * {@link maxPoolGradTiles} for 2x2 windows: the window's max (NaN if any lane is NaN) from three vector
 * max, then dy goes to the first of the four elements that equals it (or the first NaN), 0 to the others.
 */
function maxPoolGradTiles2x2(g: PoolGeom, x: usize, dx: usize, dy: usize): void {
  const C = g.C;
  const pixel = <usize>C << 2;
  const rowBytes = <usize>g.W * pixel;
  for (let oh = 0; oh < g.outH; oh++) {
    const rowOff = <usize>(oh * 2) * rowBytes;
    for (let ow = 0; ow < g.outW; ow++, dy += pixel) {
      const off0 = rowOff + <usize>(ow * 2) * pixel;
      const p = x + off0;
      const q = dx + off0;
      for (let c = 0; c < C; c += 4) {
        const o = <usize>c << 2;
        const v0 = v128.load(p + o);
        const v1 = v128.load(p + pixel + o);
        const v2 = v128.load(p + rowBytes + o);
        const v3 = v128.load(p + rowBytes + pixel + o);
        const m = f32x4.max(f32x4.max(v0, v1), f32x4.max(v2, v3));
        const h0 = hits(v0, m);
        const h1 = v128.andnot(hits(v1, m), h0);
        let taken = v128.or(h0, h1);
        const h2 = v128.andnot(hits(v2, m), taken);
        taken = v128.or(taken, h2);
        const h3 = v128.andnot(hits(v3, m), taken);
        const gv = v128.load(dy + o);
        v128.store(q + o, v128.and(gv, h0));
        v128.store(q + pixel + o, v128.and(gv, h1));
        v128.store(q + rowBytes + o, v128.and(gv, h2));
        v128.store(q + rowBytes + pixel + o, v128.and(gv, h3));
      }
    }
  }
}

// @ts-ignore: decorator
@inline
function addAt(base: usize, i: i32, v: f32): void {
  const p = base + (<usize>i << 2);
  store<f32>(p, load<f32>(p) + v);
}

/** Task n: average pooling of image n over in-bounds elements (an empty window gives 0). */
export function avgPoolTask(d: usize, n: i32, tid: i32): void {
  const g = changetype<PoolGeom>(d);
  const C = g.C;
  const rowBytes = <usize>g.W * <usize>C << 2;
  const x = g.x + <usize>n * <usize>g.H * rowBytes;
  let o = g.out + (<usize>n * <usize>g.outH * <usize>g.outW * <usize>C << 2);
  for (let oh = 0; oh < g.outH; oh++) {
    const top = oh * g.sh - g.padTop;
    const r0 = max(0, top);
    const r1 = min(g.H, top + g.fh);
    for (let ow = 0; ow < g.outW; ow++, o += <usize>C << 2) {
      const left = ow * g.sw - g.padLeft;
      const s0 = max(0, left);
      const s1 = min(g.W, left + g.fw);
      const count = max(0, r1 - r0) * max(0, s1 - s0);
      if (count == 0) {
        memory.fill(o, 0, <usize>C << 2);
        continue;
      }
      const inv = f32x4.splat(<f32>count);
      let c = 0;
      for (; c + 4 <= C; c += 4) {
        let sum = f32x4.splat(0);
        for (let r = r0; r < r1; r++) {
          const row = x + <usize>r * rowBytes + (<usize>c << 2);
          for (let s = s0; s < s1; s++) sum = f32x4.add(sum, v128.load(row + (<usize>s * <usize>C << 2)));
        }
        v128.store(o + (<usize>c << 2), f32x4.div(sum, inv));
      }
      for (; c < C; c++) {
        let sum: f32 = 0;
        for (let r = r0; r < r1; r++) {
          const row = x + <usize>r * rowBytes + (<usize>c << 2);
          for (let s = s0; s < s1; s++) sum += load<f32>(row + (<usize>s * <usize>C << 2));
        }
        store<f32>(o + (<usize>c << 2), sum / <f32>count);
      }
    }
  }
}

/** Task n: gradient of average pooling for image n (dx zeroed here). */
export function avgPoolGradTask(d: usize, n: i32, tid: i32): void {
  const g = changetype<PoolGeom>(d);
  const C = g.C;
  const rowBytes = <usize>g.W * <usize>C << 2;
  const dx = g.out + <usize>n * <usize>g.H * rowBytes;
  memory.fill(dx, 0, <usize>g.H * rowBytes);
  let dy = g.dy + (<usize>n * <usize>g.outH * <usize>g.outW * <usize>C << 2);
  for (let oh = 0; oh < g.outH; oh++) {
    const top = oh * g.sh - g.padTop;
    const r0 = max(0, top);
    const r1 = min(g.H, top + g.fh);
    for (let ow = 0; ow < g.outW; ow++, dy += <usize>C << 2) {
      const left = ow * g.sw - g.padLeft;
      const s0 = max(0, left);
      const s1 = min(g.W, left + g.fw);
      const count = max(0, r1 - r0) * max(0, s1 - s0);
      if (count == 0) continue;
      const inv = f32x4.splat(<f32>count);
      let c = 0;
      for (; c + 4 <= C; c += 4) {
        const share = f32x4.div(v128.load(dy + (<usize>c << 2)), inv);
        for (let r = r0; r < r1; r++) {
          const row = dx + <usize>r * rowBytes + (<usize>c << 2);
          for (let s = s0; s < s1; s++) {
            const p = row + (<usize>s * <usize>C << 2);
            v128.store(p, f32x4.add(v128.load(p), share));
          }
        }
      }
      for (; c < C; c++) {
        const share = load<f32>(dy + (<usize>c << 2)) / <f32>count;
        for (let r = r0; r < r1; r++) {
          const row = dx + <usize>r * rowBytes + (<usize>c << 2);
          for (let s = s0; s < s1; s++) {
            const p = row + (<usize>s * <usize>C << 2);
            store<f32>(p, load<f32>(p) + share);
          }
        }
      }
    }
  }
}
