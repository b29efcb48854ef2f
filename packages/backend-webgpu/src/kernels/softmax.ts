/**
 * Softmax and log-softmax over the last axis: per row, the maximum, then the sum of `exp(x - max)`, then
 * the outputs. Short rows (or many rows) take one thread each; long rows a workgroup of 64 threads with
 * trees in workgroup memory. A row holding NaN or an infinite maximum gives NaN, as the formula does.
 *
 * @packageDocumentation
 */
import type { Handle, Operand, TensorInfo } from '@neurona/core';
import { sizeOf } from '../storage.js';
import { header, loop1d, Params, WG } from '../wgsl.js';
import { type KernelContext, output } from './context.js';

const THREAD_ROW_MAX = 256;
const THREAD_ROWS_MIN = 1024;

function maxf(a: string, b: string): string {
  return `select(max(${a}, ${b}), nan(), isnan(${a}) || isnan(${b}))`;
}

function run(ctx: KernelContext, log: boolean, x: Operand, out: TensorInfo): Handle {
  const { handle, buffer } = output(ctx, out);
  const n = out.shape.length === 0 ? 1 : out.shape[out.shape.length - 1]!;
  if (!buffer || n === 0) return handle;
  const rows = sizeOf(out.shape) / n;
  const params = new Params().u32('rows', rows).u32('n', n);
  const io = header(params, [{ name: 'xs', type: 'f32' }], { name: 'ys', type: 'f32' });
  const value = log ? 'v - m - lse' : 'exp(v - m) / sum';
  const name = log ? 'log-softmax' : 'softmax';
  const write = (start: string, step: string): string => `let bad = isnan(m) || isinf(m);
  let lse = log(sum);
  for (var k = ${start}; k < p.n; k += ${step}) {
    let v = xs[base + k];
    ys[base + k] = select(${value}, nan(), bad);
  }`;
  if (n <= THREAD_ROW_MAX || rows >= THREAD_ROWS_MIN) {
    ctx.rt.run({
      key: `${name}:thread`,
      source: () => `${io}
${loop1d(
  'p.rows',
  `  let base = i * p.n;
  var m = -inf();
  for (var k = 0u; k < p.n; k++) { m = ${maxf('m', 'xs[base + k]')}; }
  var sum = 0.0;
  for (var k = 0u; k < p.n; k++) { sum += exp(xs[base + k] - m); }
  ${write('0u', '1u')}`,
)}`,
      params,
      inputs: [ctx.store.buffer(x)],
      output: buffer,
      workgroups: ctx.rt.groups(rows),
    });
    return handle;
  }
  ctx.rt.run({
    key: `${name}:group`,
    source: () => `${io}
var<workgroup> sv: array<f32, ${WG}>;
@compute @workgroup_size(${WG}) fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = wid.x;
  if (row >= p.rows) { return; }
  let base = row * p.n;
  var mt = -inf();
  for (var k = lid; k < p.n; k += ${WG}u) { mt = ${maxf('mt', 'xs[base + k]')}; }
  sv[lid] = mt;
  workgroupBarrier();
  for (var s = ${WG / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { sv[lid] = ${maxf('sv[lid]', 'sv[lid + s]')}; }
    workgroupBarrier();
  }
  let m = sv[0];
  workgroupBarrier();
  var st = 0.0;
  for (var k = lid; k < p.n; k += ${WG}u) { st += exp(xs[base + k] - m); }
  sv[lid] = st;
  workgroupBarrier();
  for (var s = ${WG / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { sv[lid] = sv[lid] + sv[lid + s]; }
    workgroupBarrier();
  }
  let sum = sv[0];
  ${write('lid', `${WG}u`)}
}`,
    params,
    inputs: [ctx.store.buffer(x)],
    output: buffer,
    workgroups: [rows, 1, 1],
  });
  return handle;
}

/**
 * Softmax over the last axis.
 *
 * @example
 * ```ts
 * const y = softmax(ctx, logits, { shape: logits.shape, dtype: 'float32' });
 * ```
 */
export function softmax(ctx: KernelContext, logits: Operand, out: TensorInfo): Handle {
  return run(ctx, false, logits, out);
}

/**
 * Log-softmax over the last axis, computed as `x - max - log(sum(exp(x - max)))`.
 *
 * @example
 * ```ts
 * const y = logSoftmax(ctx, logits, { shape: logits.shape, dtype: 'float32' });
 * ```
 */
export function logSoftmax(ctx: KernelContext, logits: Operand, out: TensorInfo): Handle {
  return run(ctx, true, logits, out);
}
