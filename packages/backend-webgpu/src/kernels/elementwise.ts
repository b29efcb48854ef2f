/**
 * The shared glue of the broadcasting elementwise kernels (binary, where): one thread per output
 * element; operands that cover the whole output or are scalars are indexed directly, others through
 * the collapsed strides of {@link collapse}.
 *
 * @packageDocumentation
 */
import type { Handle, Operand, TensorInfo } from '@neurona/core';
import { sizeOf } from '../storage.js';
import { type Binding, header, loop1d, Params, wgslType } from '../wgsl.js';
import { addPlanParams, broadcastStrides, collapse, offsetsWgsl } from './broadcast.js';
import { type KernelContext, output } from './context.js';

/**
 * One elementwise shader: the operands (bound as `in0, in1, ...`, read into `v0, v1, ...`), the WGSL
 * expression of the result in terms of those values, helper functions, and a cache-key prefix that
 * identifies the expression.
 *
 * @example
 * ```ts
 * const spec: ElementwiseSpec = { key: 'binary:add:f32', expr: 'v0 + v1', helpers: '' };
 * ```
 */
export interface ElementwiseSpec {
  readonly key: string;
  readonly expr: string;
  readonly helpers: string;
}

/**
 * Dispatch an elementwise kernel over `operands` broadcast to `out.shape`.
 *
 * @example
 * ```ts
 * elementwise(ctx, { key: 'binary:add:f32', expr: 'v0 + v1', helpers: '' }, [a, b], out);
 * ```
 */
export function elementwise(
  ctx: KernelContext,
  spec: ElementwiseSpec,
  operands: readonly Operand[],
  out: TensorInfo,
): Handle {
  const { handle, buffer } = output(ctx, out);
  if (!buffer) return handle;
  const n = sizeOf(out.shape);
  const sizes = operands.map((x) => sizeOf(x.shape));
  const direct = sizes.every((s) => s === n || s === 1);
  const params = new Params().u32('n', n);
  let layout: string;
  let index: string;
  let loads: string[];
  if (direct) {
    layout = sizes.map((s) => (s === n ? 'f' : 's')).join('');
    index = '';
    loads = sizes.map((s, k) => `in${k}[${s === n ? 'i' : '0u'}]`);
  } else {
    const plan = collapse(
      out.shape,
      operands.map((x) => broadcastStrides(x.shape, out.shape)),
    );
    addPlanParams(params, plan);
    layout = `r${plan.shape.length}`;
    index = offsetsWgsl(plan.shape.length, operands.length);
    loads = operands.map((_, k) => `in${k}[o${k}]`);
  }
  const inputs: Binding[] = operands.map((x, k) => ({ name: `in${k}`, type: wgslType(x.dtype) }));
  const outT = wgslType(out.dtype);
  ctx.rt.run({
    key: `${spec.key}:${layout}`,
    source: () => `${header(params, inputs, { name: 'ys', type: outT })}
${spec.helpers}
${loop1d('p.n', `${index}\n    ${loads.map((l, k) => `let v${k} = ${l};`).join('\n    ')}\n    ys[i] = ${spec.expr};`)}`,
    params,
    inputs: operands.map((x) => ctx.store.buffer(x)),
    output: buffer,
    workgroups: ctx.rt.groups(n),
  });
  return handle;
}
