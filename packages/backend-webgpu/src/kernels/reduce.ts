/**
 * Reductions over the trailing axis: `x` viewed as `[rows, inner]`.
 *
 * Two shapes of shader: one thread per row (many rows or short rows), or one workgroup of 64 threads
 * per row with a tree in workgroup memory (few long rows). Float sums add in blocks of 64 elements, so
 * rounding grows with (64 + n/64) rather than n; max/min propagate NaN; argmax/argmin return the first
 * extreme, a NaN counting as the extreme (as the CPU reference).
 *
 * @packageDocumentation
 */
import type { Handle, Operand, ReduceOp, TensorInfo } from '@neurona/core';
import { sizeOf } from '../storage.js';
import { header, loop1d, Params, WG, wgslType } from '../wgsl.js';
import { type KernelContext, output } from './context.js';

/** Rows shorter than this, or this many rows and more, use one thread per row. */
const THREAD_ROW_MAX = 256;
const THREAD_ROWS_MIN = 1024;

type ValueOp = Exclude<ReduceOp, 'argmax' | 'argmin'>;

/** Identity and combining function of each value reduction, per element type. */
function valueOp(op: ValueOp, t: 'f32' | 'i32' | 'u32'): { id: string; comb: string } {
  const f = t === 'f32';
  switch (op) {
    case 'sum':
      return { id: `${t}(0)`, comb: 'a + b' };
    case 'prod':
      return { id: `${t}(1)`, comb: 'a * b' };
    case 'max':
      return {
        id: f ? '-inf()' : t === 'i32' ? 'i32(-2147483648)' : '0u',
        comb: f ? 'select(max(a, b), nan(), isnan(a) || isnan(b))' : 'max(a, b)',
      };
    case 'min':
      return {
        id: f ? 'inf()' : t === 'i32' ? 'i32(2147483647)' : '0xffffffffu',
        comb: f ? 'select(min(a, b), nan(), isnan(a) || isnan(b))' : 'min(a, b)',
      };
  }
}

/** WGSL helpers: `comb` for values, or `better` for (value, index) pairs (index -1 = none). */
function helpers(op: ReduceOp, t: 'f32' | 'i32' | 'u32'): string {
  if (op === 'argmax' || op === 'argmin') {
    const nanT = t === 'f32' ? 'isnan(x)' : 'false';
    return `
fn nanT(x: ${t}) -> bool { return ${nanT}; }
fn better(av: ${t}, ai: i32, bv: ${t}, bi: i32) -> bool {
  if (bi < 0) { return ai >= 0; }
  if (ai < 0) { return false; }
  let an = nanT(av);
  let bn = nanT(bv);
  if (an || bn) { if (an && bn) { return ai < bi; } return an; }
  if (av == bv) { return ai < bi; }
  return av ${op === 'argmax' ? '>' : '<'} bv;
}`;
  }
  const { id, comb } = valueOp(op, t);
  return `
fn ident() -> ${t} { return ${id}; }
fn comb(a: ${t}, b: ${t}) -> ${t} { return ${comb}; }`;
}

/** Per-thread loop over `k = start, start+step, ... < p.inner` of row `base`, into `acc` (or `bv, bi`). */
function rowLoop(op: ReduceOp, t: 'f32' | 'i32' | 'u32', start: string, step: string): string {
  if (op === 'argmax' || op === 'argmin') {
    return `var bv = ${t}(0);
  var bi = -1;
  for (var k = ${start}; k < p.inner; k += ${step}) {
    let v = xs[base + k];
    if (better(v, i32(k), bv, bi)) { bv = v; bi = i32(k); }
  }`;
  }
  if (op === 'sum' && t === 'f32') {
    // Blocked summation: partial sums of 64 elements, then their total.
    return `var acc = 0.0;
  var k = ${start};
  loop {
    if (k >= p.inner) { break; }
    var part = 0.0;
    for (var j = 0u; j < 64u && k < p.inner; j++) { part += xs[base + k]; k += ${step}; }
    acc += part;
  }`;
  }
  return `var acc = ident();
  for (var k = ${start}; k < p.inner; k += ${step}) { acc = comb(acc, xs[base + k]); }`;
}

/** Value written for a finished row (`acc`, or the index `bi`). */
function finish(op: ReduceOp, t: 'f32' | 'i32' | 'u32'): string {
  if (op === 'argmax' || op === 'argmin') return 'max(bi, 0)';
  // The reference stores +-Infinity of an empty int32 max/min as 0.
  if ((op === 'max' || op === 'min') && t !== 'f32') return `select(acc, ${t}(0), p.inner == 0u)`;
  return 'acc';
}

/**
 * Reduce each of the `size(out)` rows of `x` (see the module notes).
 *
 * @example
 * ```ts
 * const y = reduce(ctx, 'sum', x, { shape: [2], dtype: 'float32' }); // x [2, 3] -> row sums
 * ```
 */
export function reduce(ctx: KernelContext, op: ReduceOp, x: Operand, out: TensorInfo): Handle {
  const { handle, buffer } = output(ctx, out);
  if (!buffer) return handle;
  const rows = sizeOf(out.shape);
  const inner = sizeOf(x.shape) / rows;
  const t = wgslType(x.dtype);
  const outT = wgslType(out.dtype);
  const arg = op === 'argmax' || op === 'argmin';
  const params = new Params().u32('rows', rows).u32('inner', inner);
  const io = header(params, [{ name: 'xs', type: t }], { name: 'ys', type: outT });
  const perThread = inner <= THREAD_ROW_MAX || rows >= THREAD_ROWS_MIN;
  if (perThread) {
    ctx.rt.run({
      key: `reduce:${op}:${t}:thread`,
      source: () => `${io}
${helpers(op, t)}
${loop1d(
  'p.rows',
  `  let base = i * p.inner;
  ${rowLoop(op, t, '0u', '1u')}
  ys[i] = ${finish(op, t)};`,
)}`,
      params,
      inputs: [ctx.store.buffer(x)],
      output: buffer,
      workgroups: ctx.rt.groups(rows),
    });
    return handle;
  }
  const tree = arg
    ? `if (better(sv[lid + s], si[lid + s], sv[lid], si[lid])) { sv[lid] = sv[lid + s]; si[lid] = si[lid + s]; }`
    : 'sv[lid] = comb(sv[lid], sv[lid + s]);';
  ctx.rt.run({
    key: `reduce:${op}:${t}:group`,
    source: () => `${io}
${helpers(op, t)}
var<workgroup> sv: array<${t}, ${WG}>;
var<workgroup> si: array<i32, ${WG}>;
@compute @workgroup_size(${WG}) fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = wid.x;
  if (row >= p.rows) { return; }
  let base = row * p.inner;
  ${rowLoop(op, t, 'lid', `${WG}u`)}
  ${arg ? 'sv[lid] = bv; si[lid] = bi;' : 'sv[lid] = acc;'}
  workgroupBarrier();
  for (var s = ${WG / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { ${tree} }
    workgroupBarrier();
  }
  if (lid == 0u) {
    ${arg ? 'let bi = si[0];' : `let acc = sv[0];`}
    ys[row] = ${finish(op, t)};
  }
}`,
    params,
    inputs: [ctx.store.buffer(x)],
    output: buffer,
    workgroups: [rows, 1, 1],
  });
  return handle;
}
