/**
 * NHWC max and average pooling and their gradients, one thread per element.
 *
 * Window (oh, ow) covers input rows oh*sh - padTop + r (r < fh) and columns ow*sw - padLeft + s (s < fw);
 * only in-bounds positions take part. The gradients are gathers, not scatters: each input element
 * visits the windows that contain it, so no atomics are needed. maxPoolGrad recomputes each window's
 * first maximum in row-major order (a NaN wins; a window of -Infinity routes to its first element), as
 * the CPU reference does.
 *
 * @packageDocumentation
 */
import type { Handle, Operand, Pool2DInfo, TensorInfo } from '@neurona/core';
import { sizeOf } from '../storage.js';
import { header, loop1d, Params } from '../wgsl.js';
import { type KernelContext, output } from './context.js';

function geometry(info: Pool2DInfo, n: number): Params {
  return new Params()
    .u32('n', n)
    .u32('H', info.inHeight)
    .u32('W', info.inWidth)
    .u32('C', info.channels)
    .u32('outH', info.outHeight)
    .u32('outW', info.outWidth)
    .i32('fh', info.filterHeight)
    .i32('fw', info.filterWidth)
    .i32('sh', info.strideHeight)
    .i32('sw', info.strideWidth)
    .i32('pt', info.padTop)
    .i32('pl', info.padLeft);
}

/** WGSL: the in-bounds bounds `[r0, r1) x [s0, s1)` of window (oh, ow), as `vec4<i32>(r0, r1, s0, s1)`. */
const WINDOW = /* wgsl */ `
fn window(oh: i32, ow: i32) -> vec4<i32> {
  let top = oh * p.sh - p.pt;
  let left = ow * p.sw - p.pl;
  return vec4<i32>(max(top, 0), min(top + p.fh, i32(p.H)), max(left, 0), min(left + p.fw, i32(p.W)));
}
fn at(n: u32, r: i32, s: i32, c: u32) -> u32 { return ((n * p.H + u32(r)) * p.W + u32(s)) * p.C + c; }
`;

/** WGSL: split flat index `i` of a `[N, rows, cols, C]` tensor into n, row, col, c. */
function coords(rows: string, cols: string): string {
  return `let c = i % p.C;
  let t = i / p.C;
  let col = i32(t % ${cols});
  let t2 = t / ${cols};
  let row = i32(t2 % ${rows});
  let n = t2 / ${rows};`;
}

/** WGSL: loop over the windows (oh, ow) that contain input (row, col); the body sees oh, ow. */
function windowsOf(body: string): string {
  return `let ohLo = max(0, (row + p.pt - p.fh + p.sh) / p.sh);
  let ohHi = min(i32(p.outH) - 1, (row + p.pt) / p.sh);
  let owLo = max(0, (col + p.pl - p.fw + p.sw) / p.sw);
  let owHi = min(i32(p.outW) - 1, (col + p.pl) / p.sw);
  for (var oh = ohLo; oh <= ohHi; oh++) {
    for (var ow = owLo; ow <= owHi; ow++) {
      ${body}
    }
  }`;
}

function run(
  ctx: KernelContext,
  key: string,
  params: Params,
  inputs: readonly Operand[],
  body: string,
  out: TensorInfo,
): Handle {
  const { handle, buffer } = output(ctx, out);
  if (!buffer) return handle;
  const names = inputs.length === 1 ? ['xs'] : ['dys', 'xs'];
  ctx.rt.run({
    key,
    source: () => `${header(
      params,
      names.map((name) => ({ name, type: 'f32' as const })),
      { name: 'ys', type: 'f32' },
    )}
${WINDOW}
${loop1d('p.n', `  ${body}`)}`,
    params,
    inputs: inputs.map((x) => ctx.store.buffer(x)),
    output: buffer,
    workgroups: ctx.rt.groups(sizeOf(out.shape)),
  });
  return handle;
}

/**
 * Max pooling; NaN propagates, a window without in-bounds elements gives -Infinity.
 *
 * @example
 * ```ts
 * const y = maxPool(ctx, x, info, { shape: [1, 2, 2, 1], dtype: 'float32' });
 * ```
 */
export function maxPool(ctx: KernelContext, x: Operand, info: Pool2DInfo, out: TensorInfo): Handle {
  const body = `${coords('p.outH', 'p.outW')}
  let w = window(row, col);
  var m = -inf();
  for (var r = w.x; r < w.y; r++) {
    for (var s = w.z; s < w.w; s++) {
      let v = xs[at(n, r, s, c)];
      if (!isnan(m) && (v > m || isnan(v))) { m = v; }
    }
  }
  ys[i] = m;`;
  return run(ctx, 'max-pool', geometry(info, sizeOf(out.shape)), [x], body, out);
}

/**
 * Average pooling over in-bounds elements; an empty window gives 0.
 *
 * @example
 * ```ts
 * const y = avgPool(ctx, x, info, { shape: [1, 2, 2, 1], dtype: 'float32' });
 * ```
 */
export function avgPool(ctx: KernelContext, x: Operand, info: Pool2DInfo, out: TensorInfo): Handle {
  const body = `${coords('p.outH', 'p.outW')}
  let w = window(row, col);
  var sum = 0.0;
  for (var r = w.x; r < w.y; r++) {
    for (var s = w.z; s < w.w; s++) { sum += xs[at(n, r, s, c)]; }
  }
  let count = max(w.y - w.x, 0) * max(w.w - w.z, 0);
  ys[i] = select(sum / f32(count), 0.0, count == 0);`;
  return run(ctx, 'avg-pool', geometry(info, sizeOf(out.shape)), [x], body, out);
}

/**
 * Gradient of max pooling: each input element sums the dy of the windows whose first maximum it is.
 *
 * @example
 * ```ts
 * const dx = maxPoolGrad(ctx, dy, x, info, { shape: x.shape, dtype: 'float32' });
 * ```
 */
export function maxPoolGrad(
  ctx: KernelContext,
  dy: Operand,
  x: Operand,
  info: Pool2DInfo,
  out: TensorInfo,
): Handle {
  const body = `${coords('p.H', 'p.W')}
  var g = 0.0;
  ${windowsOf(`let w = window(oh, ow);
      var best = -inf();
      var br = w.x;
      var bs = w.z;
      for (var r = w.x; r < w.y; r++) {
        for (var s = w.z; s < w.w; s++) {
          let v = xs[at(n, r, s, c)];
          if (!isnan(best) && (v > best || isnan(v))) { best = v; br = r; bs = s; }
        }
      }
      if (br == row && bs == col) { g += dys[((n * p.outH + u32(oh)) * p.outW + u32(ow)) * p.C + c]; }`)}
  ys[i] = g;`;
  return run(ctx, 'max-pool-grad', geometry(info, sizeOf(out.shape)), [dy, x], body, out);
}

/**
 * Gradient of average pooling: each input element sums dy / count over the windows that contain it.
 *
 * @example
 * ```ts
 * const dx = avgPoolGrad(ctx, dy, info, { shape: [1, 4, 4, 1], dtype: 'float32' });
 * ```
 */
export function avgPoolGrad(ctx: KernelContext, dy: Operand, info: Pool2DInfo, out: TensorInfo): Handle {
  const body = `${coords('p.H', 'p.W')}
  var g = 0.0;
  ${windowsOf(`let w = window(oh, ow);
      let count = max(w.y - w.x, 0) * max(w.w - w.z, 0);
      g += xs[((n * p.outH + u32(oh)) * p.outW + u32(ow)) * p.C + c] / f32(count);`)}
  ys[i] = g;`;
  return run(ctx, 'avg-pool-grad', geometry(info, sizeOf(out.shape)), [dy], body, out);
}
