/**
 * NHWC 2-D convolution and its two gradients as implicit GEMMs on {@link runGemm}: the im2col matrix is
 * never stored, its elements are computed where the GEMM loads them.
 *
 * Notation: x `[N, H, W, C]`, filter `[fh, fw, C, D]`, y `[N, outH, outW, D]`; output pixel (n, oh, ow)
 * reads input (oh*sh - padTop + r*dh, ow*sw - padLeft + s*dw) for tap (r, s).
 * - forward:     y[q, d]       = sum_{(r,s,c)} x(q; r,s,c) w[(r,s,c), d]       M = N*outH*outW, K = fh*fw*C
 * - grad input:  dx[(n,ih,iw), c] = sum_{(r,s,d)} dy at the pixel whose tap (r,s) lands on (ih,iw)
 *                times w[r,s,c,d] (zero where the stride skips it)                  M = N*H*W,      K = fh*fw*D
 * - grad filter: dw[(r,s,c), d] = sum_q x(q; r,s,c) dy[q, d]                   M = fh*fw*C,    K = N*outH*outW,
 *                split over K when the filter is small (see {@link sumSplits}).
 *
 * @packageDocumentation
 */
import { type Conv2DInfo, type Handle, isPointwiseConv, type Operand, type TensorInfo } from '@neurona/core';
import { sizeOf } from '../storage.js';
import { Params } from '../wgsl.js';
import { type KernelContext, output } from './context.js';
import { type Epilogue, epilogueParts } from './epilogue.js';
import { chooseTile, runGemm, sumSplits } from './gemm.js';

/** Geometry uniforms shared by the three kernels (signed where offsets can go negative). */
function geometry(info: Conv2DInfo): Params {
  return new Params()
    .i32('H', info.inHeight)
    .i32('W', info.inWidth)
    .u32('C', info.inChannels)
    .i32('outH', info.outHeight)
    .i32('outW', info.outWidth)
    .u32('D', info.outChannels)
    .u32('fw', info.filterWidth)
    .i32('sh', info.strideHeight)
    .i32('sw', info.strideWidth)
    .i32('dh', info.dilationHeight)
    .i32('dw', info.dilationWidth)
    .i32('pt', info.padTop)
    .i32('pl', info.padLeft);
}

/**
 * WGSL splitting a flat pixel index `q` of an `[N, rows, cols]` grid into `vec3<i32>(n, row, col)` and a
 * filter tap `t = (r*fw + s)*ch + c` into `vec3<i32>(r, s, c)`.
 */
const SPLIT = /* wgsl */ `
fn pixel(q: u32, rows: i32, cols: i32) -> vec3<i32> {
  let nr = q / u32(cols);
  return vec3<i32>(i32(nr / u32(rows)), i32(nr % u32(rows)), i32(q % u32(cols)));
}
fn tap(t: u32, ch: u32) -> vec3<i32> {
  let rs = t / ch;
  return vec3<i32>(i32(rs / p.fw), i32(rs % p.fw), i32(t % ch));
}`;

/** WGSL: x[n, ih, iw, c] (with `nH = n * H`), or 0 in the padding. */
const X_AT = /* wgsl */ `
fn xAt(nH: i32, ih: i32, iw: i32, c: i32) -> f32 {
  if (ih < 0 || iw < 0 || ih >= p.H || iw >= p.W) { return 0.0; }
  return xs[((nH + ih) * p.W + iw) * i32(p.C) + c];
}`;

/**
 * Convolution forward (see the module notes). With an `epilogue`, each value gets the bias of its output
 * channel and the activation as it is stored (`conv2dBiasActivation`).
 *
 * @example
 * ```ts
 * const y = conv2d(ctx, x, w, info, { shape: [1, 2, 2, 1], dtype: 'float32' });
 * ```
 */
export function conv2d(
  ctx: KernelContext,
  x: Operand,
  filter: Operand,
  info: Conv2DInfo,
  out: TensorInfo,
  epilogue?: Epilogue,
): Handle {
  const { handle, buffer } = output(ctx, out);
  if (!buffer) return handle;
  const epi = epilogueParts(ctx, epilogue);
  const k = info.filterHeight * info.filterWidth * info.inChannels;
  const direct = isPointwiseConv(info);
  runGemm(ctx, {
    key: `${direct ? 'conv2d:1x1' : 'conv2d'}${epi.key}`,
    batch: 1,
    m: info.batch * info.outHeight * info.outWidth,
    n: info.outChannels,
    k,
    loaders: `${SPLIT}${X_AT}
fn rowA(b: u32, row: u32) -> vec4<i32> {
  ${
    direct
      ? 'return vec4<i32>(i32(row * p.C), 0, 0, 0);'
      : 'let o = pixel(row, p.outH, p.outW);\n  return vec4<i32>(o.x * p.H, o.y * p.sh - p.pt, o.z * p.sw - p.pl, 0);'
  }
}
fn kA(k: u32) -> vec4<i32> {
  ${direct ? 'return vec4<i32>(i32(k), 0, 0, 0);' : 'let t = tap(k, p.C);\n  return vec4<i32>(t.x * p.dh, t.y * p.dw, t.z, 0);'}
}
fn loadA(r: vec4<i32>, q: vec4<i32>) -> f32 {
  return ${direct ? 'xs[r.x + q.x]' : 'xAt(r.x, r.y + q.x, r.z + q.y, q.z)'};
}
fn colB(b: u32, col: u32) -> vec4<i32> { return vec4<i32>(i32(col), 0, 0, 0); }
fn kB(k: u32) -> vec4<i32> { return vec4<i32>(i32(k * p.N), 0, 0, 0); }
fn loadB(q: vec4<i32>, c: vec4<i32>) -> f32 { return ws[q.x + c.x]; }
fn store(b: u32, s: u32, row: u32, col: u32, v: f32) { ys[row * p.N + col] = ${epi.value('v', 'col')}; }`,
    params: geometry(info),
    inputs: [ctx.store.buffer(x), ctx.store.buffer(filter), ...epi.inputs],
    bindings: [{ name: 'xs', type: 'f32' }, { name: 'ws', type: 'f32' }, ...epi.bindings],
    output: buffer,
  });
  return handle;
}

/**
 * Gradient of conv2d with respect to its input (see the module notes).
 *
 * @example
 * ```ts
 * const dx = conv2dGradInput(ctx, dy, w, info, { shape: [1, 3, 3, 1], dtype: 'float32' });
 * ```
 */
export function conv2dGradInput(
  ctx: KernelContext,
  dy: Operand,
  filter: Operand,
  info: Conv2DInfo,
  out: TensorInfo,
): Handle {
  const { handle, buffer } = output(ctx, out);
  if (!buffer) return handle;
  runGemm(ctx, {
    key: 'conv2d-grad-input',
    batch: 1,
    m: info.batch * info.inHeight * info.inWidth,
    n: info.inChannels,
    k: info.filterHeight * info.filterWidth * info.outChannels,
    loaders: `${SPLIT}
fn rowA(b: u32, row: u32) -> vec4<i32> {
  let x = pixel(row, p.H, p.W);
  return vec4<i32>(x.x * p.outH, x.y + p.pt, x.z + p.pl, 0);
}
fn kA(k: u32) -> vec4<i32> {
  let t = tap(k, p.D);
  return vec4<i32>(t.x * p.dh, t.y * p.dw, t.z, 0);
}
// dy at the output pixel whose tap lands on this input pixel (0 where the stride skips it).
fn loadA(r: vec4<i32>, q: vec4<i32>) -> f32 {
  let ohs = r.y - q.x;
  let ows = r.z - q.y;
  if (ohs < 0 || ows < 0) { return 0.0; }
  let oh = ohs / p.sh;
  let ow = ows / p.sw;
  if (oh * p.sh != ohs || ow * p.sw != ows || oh >= p.outH || ow >= p.outW) { return 0.0; }
  return dys[((r.x + oh) * p.outW + ow) * i32(p.D) + q.z];
}
fn colB(b: u32, col: u32) -> vec4<i32> { return vec4<i32>(i32(col * p.D), 0, 0, 0); }
// w[r, s, c, d] = w[(rs * C + c) * D + d] for k = rs * D + d.
fn kB(k: u32) -> vec4<i32> { return vec4<i32>(i32((k / p.D) * p.C * p.D + k % p.D), 0, 0, 0); }
fn loadB(q: vec4<i32>, c: vec4<i32>) -> f32 { return ws[q.x + c.x]; }
fn store(b: u32, s: u32, row: u32, col: u32, v: f32) { ys[row * p.N + col] = v; }`,
    params: geometry(info),
    inputs: [ctx.store.buffer(dy), ctx.store.buffer(filter)],
    bindings: [
      { name: 'dys', type: 'f32' },
      { name: 'ws', type: 'f32' },
    ],
    output: buffer,
  });
  return handle;
}

/** Workgroups a split-K filter gradient aims for, and the least K per split. */
const TARGET_GROUPS = 32;
const MIN_SPLIT_K = 256;

/**
 * Gradient of conv2d with respect to its filter (see the module notes).
 *
 * @example
 * ```ts
 * const dw = conv2dGradFilter(ctx, x, dy, info, { shape: [2, 2, 1, 1], dtype: 'float32' });
 * ```
 */
export function conv2dGradFilter(
  ctx: KernelContext,
  x: Operand,
  dy: Operand,
  info: Conv2DInfo,
  out: TensorInfo,
): Handle {
  const { handle, buffer } = output(ctx, out);
  if (!buffer) return handle;
  const m = info.filterHeight * info.filterWidth * info.inChannels;
  const n = info.outChannels;
  const k = info.batch * info.outHeight * info.outWidth;
  const tile = chooseTile(m, n, k, ctx.rt.gemmDirectMaxMacs);
  const tiles = Math.ceil(m / tile.tm) * Math.ceil(n / tile.tn);
  const splits = Math.max(1, Math.min(Math.ceil(TARGET_GROUPS / tiles), Math.floor(k / MIN_SPLIT_K), 64));
  const size = sizeOf(out.shape);
  const target = splits > 1 ? ctx.rt.pool.acquire(splits * size * 4, false) : buffer;
  runGemm(ctx, {
    key: 'conv2d-grad-filter',
    batch: 1,
    m,
    n,
    k,
    loaders: `${SPLIT}${X_AT}
fn rowA(b: u32, row: u32) -> vec4<i32> {
  let t = tap(row, p.C);
  return vec4<i32>(t.x * p.dh - p.pt, t.y * p.dw - p.pl, t.z, 0);
}
fn kA(k: u32) -> vec4<i32> {
  let o = pixel(k, p.outH, p.outW);
  return vec4<i32>(o.x * p.H, o.y * p.sh, o.z * p.sw, 0);
}
fn loadA(r: vec4<i32>, q: vec4<i32>) -> f32 { return xAt(q.x, q.y + r.x, q.z + r.y, r.z); }
fn colB(b: u32, col: u32) -> vec4<i32> { return vec4<i32>(i32(col), 0, 0, 0); }
fn kB(k: u32) -> vec4<i32> { return vec4<i32>(i32(k * p.N), 0, 0, 0); }
fn loadB(q: vec4<i32>, c: vec4<i32>) -> f32 { return dys[q.x + c.x]; }
fn store(b: u32, s: u32, row: u32, col: u32, v: f32) { ys[(s * p.M + row) * p.N + col] = v; }`,
    params: geometry(info),
    inputs: [ctx.store.buffer(x), ctx.store.buffer(dy)],
    bindings: [
      { name: 'xs', type: 'f32' },
      { name: 'dys', type: 'f32' },
    ],
    output: target,
    splits,
    tile,
  });
  if (splits > 1) {
    sumSplits(ctx, target, splits, size, buffer);
    ctx.rt.pool.release(target);
  }
  return handle;
}
