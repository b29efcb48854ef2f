/**
 * Movement kernels: transpose, slice, pad, concat and gather. They only move 32-bit words, so one shader
 * serves every dtype (f32, i32 and bool's u32 alike); dimensions that stay contiguous are merged first.
 *
 * @packageDocumentation
 */
import type { Handle, Operand, TensorInfo } from '@neurona/core';
import { sizeOf } from '../storage.js';
import { header, loop1d, Params } from '../wgsl.js';
import { addPlanParams, collapse, offsetsWgsl, stridesOf } from './broadcast.js';
import { type KernelContext, output } from './context.js';

const WORDS = { name: 'xs', type: 'u32' } as const;
const OUT = { name: 'ys', type: 'u32' } as const;

/** `ys[i] = xs[base + offset(i)]` over `out` with per-dimension input strides. */
function stridedCopy(
  ctx: KernelContext,
  x: Operand,
  out: TensorInfo,
  strides: readonly number[],
  base: number,
): Handle {
  const { handle, buffer } = output(ctx, out);
  if (!buffer) return handle;
  const n = sizeOf(out.shape);
  const plan = collapse(out.shape, [strides]);
  const rank = plan.shape.length;
  if (rank <= 1 && (rank === 0 || plan.strides[0]![0] === 1)) {
    ctx.rt.copy(ctx.store.buffer(x), base * 4, buffer, 0, n * 4); // already contiguous
    return handle;
  }
  const params = new Params().u32('n', n).u32('base', base);
  addPlanParams(params, plan);
  ctx.rt.run({
    key: `strided-copy:r${rank}`,
    source: () => `${header(params, [WORDS], OUT)}
${loop1d(
  'p.n',
  `  ${offsetsWgsl(rank, 1)}
  ys[i] = xs[p.base + o0];`,
)}`,
    params,
    inputs: [ctx.store.buffer(x)],
    output: buffer,
    workgroups: ctx.rt.groups(n),
  });
  return handle;
}

/**
 * Permute axes: `out.shape[i] = x.shape[perm[i]]`.
 *
 * @example
 * ```ts
 * const y = transpose(ctx, x, [1, 0], { shape: [3, 2], dtype: 'float32' });
 * ```
 */
export function transpose(ctx: KernelContext, x: Operand, perm: readonly number[], out: TensorInfo): Handle {
  const xs = stridesOf(x.shape);
  return stridedCopy(
    ctx,
    x,
    out,
    perm.map((p) => xs[p]!),
    0,
  );
}

/**
 * Contiguous slice of `x` starting at `begin` with size `out.shape`.
 *
 * @example
 * ```ts
 * const y = slice(ctx, x, [0, 1], { shape: [2, 2], dtype: 'float32' });
 * ```
 */
export function slice(ctx: KernelContext, x: Operand, begin: readonly number[], out: TensorInfo): Handle {
  const xs = stridesOf(x.shape);
  const base = begin.reduce((acc, b, d) => acc + b * xs[d]!, 0);
  return stridedCopy(ctx, x, out, xs, base);
}

/** The 32-bit pattern of `value` in `dtype` (what pad writes). */
function bitsOf(value: number, dtype: TensorInfo['dtype']): number {
  if (dtype === 'float32') return new Uint32Array(new Float32Array([value]).buffer)[0]!;
  if (dtype === 'int32') return value >>> 0;
  return value !== 0 ? 1 : 0;
}

/**
 * Constant padding: axis d gets `paddings[d][0]` elements of `value` before and `paddings[d][1]` after.
 *
 * @example
 * ```ts
 * const y = pad(ctx, x, [[1, 2]], 0, { shape: [5], dtype: 'float32' });
 * ```
 */
export function pad(
  ctx: KernelContext,
  x: Operand,
  paddings: readonly (readonly [number, number])[],
  value: number,
  out: TensorInfo,
): Handle {
  const { handle, buffer } = output(ctx, out);
  if (!buffer) return handle;
  const n = sizeOf(out.shape);
  const rank = out.shape.length;
  const xs = stridesOf(x.shape);
  const params = new Params().u32('n', n).u32('value', bitsOf(value, out.dtype));
  for (let d = 0; d < rank; d++) {
    params.u32(`od${d}`, out.shape[d]!).i32(`b${d}`, paddings[d]![0]).i32(`xd${d}`, x.shape[d]!);
    params.u32(`xs${d}`, xs[d]!);
  }
  const dims: string[] = [];
  for (let d = rank - 1; d >= 0; d--) {
    dims.push(`{ let c = i32(r % p.od${d}); r = r / p.od${d}; let ci = c - p.b${d};
    inside = inside && ci >= 0 && ci < p.xd${d}; off += u32(max(ci, 0)) * p.xs${d}; }`);
  }
  ctx.rt.run({
    key: `pad:r${rank}`,
    source: () => `${header(params, [WORDS], OUT)}
${loop1d(
  'p.n',
  `  var r = i;
  var off = 0u;
  var inside = true;
  ${dims.join('\n  ')}
  if (inside) { ys[i] = xs[off]; } else { ys[i] = p.value; }`,
)}`,
    params,
    inputs: [ctx.store.buffer(x)],
    output: buffer,
    workgroups: ctx.rt.groups(n),
  });
  return handle;
}

/**
 * Join same-rank inputs along `axis`: each input's rows (the dimensions before `axis`) land at a column
 * offset of the output's rows; one copy per input.
 *
 * @example
 * ```ts
 * const y = concat(ctx, [a, b], 1, { shape: [2, 3], dtype: 'float32' });
 * ```
 */
export function concat(ctx: KernelContext, xs: readonly Operand[], axis: number, out: TensorInfo): Handle {
  const { handle, buffer } = output(ctx, out);
  if (!buffer) return handle;
  let outer = 1;
  for (let d = 0; d < axis; d++) outer *= out.shape[d]!;
  const row = sizeOf(out.shape) / outer;
  let offset = 0;
  for (const x of xs) {
    const chunk = sizeOf(x.shape) / outer;
    if (chunk === 0) continue;
    if (outer === 1) {
      ctx.rt.copy(ctx.store.buffer(x), 0, buffer, offset * 4, chunk * 4);
    } else {
      const n = outer * chunk;
      const params = new Params().u32('n', n).u32('chunk', chunk).u32('row', row).u32('offset', offset);
      ctx.rt.run({
        key: 'concat-rows',
        source: () => `${header(params, [WORDS], OUT)}
${loop1d(
  'p.n',
  `  let r = i / p.chunk;
  ys[r * p.row + p.offset + (i - r * p.chunk)] = xs[i];`,
)}`,
        params,
        inputs: [ctx.store.buffer(x)],
        output: buffer,
        workgroups: ctx.rt.groups(n),
      });
    }
    offset += chunk;
  }
  return handle;
}

/**
 * Take slices of `x` along `axis` at the int32 `indices` (clamped into range on the GPU; core checks
 * them where it can read synchronously).
 *
 * @example
 * ```ts
 * const y = gather(ctx, x, indices, 0, { shape: [2, 2], dtype: 'float32' });
 * ```
 */
export function gather(
  ctx: KernelContext,
  x: Operand,
  indices: Operand,
  axis: number,
  out: TensorInfo,
): Handle {
  const { handle, buffer } = output(ctx, out);
  if (!buffer) return handle;
  const n = sizeOf(out.shape);
  let inner = 1;
  for (let d = axis + 1; d < x.shape.length; d++) inner *= x.shape[d]!;
  const params = new Params()
    .u32('n', n)
    .u32('inner', inner)
    .u32('m', sizeOf(indices.shape))
    .u32('axis', x.shape[axis]!);
  ctx.rt.run({
    key: 'gather',
    source: () => `${header(params, [WORDS, { name: 'idx', type: 'i32' }], OUT)}
${loop1d(
  'p.n',
  `  let j = i % p.inner;
  let rk = i / p.inner;
  let k = rk % p.m;
  let r = rk / p.m;
  let at = u32(clamp(idx[k], 0, i32(p.axis) - 1));
  ys[i] = xs[(r * p.axis + at) * p.inner + j];`,
)}`,
    params,
    inputs: [ctx.store.buffer(x), ctx.store.buffer(indices)],
    output: buffer,
    workgroups: ctx.rt.groups(n),
  });
  return handle;
}
