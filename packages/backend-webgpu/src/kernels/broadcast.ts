/**
 * Strided indexing shared by the broadcasting kernels (binary, where) and the movement kernels:
 * per-operand strides over the output shape, merging of dimensions that stay contiguous, and the WGSL
 * that turns a flat output index into one offset per operand.
 *
 * @packageDocumentation
 */
import type { Shape } from '@neurona/core';
import type { Params } from '../wgsl.js';

/**
 * Element strides of `shape` viewed in `outShape` (right-aligned); broadcast dimensions get stride 0.
 *
 * @example
 * ```ts
 * broadcastStrides([3], [2, 3]); // [0, 1]
 * ```
 */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const strides = new Array<number>(outShape.length).fill(0);
  let acc = 1;
  for (let k = shape.length - 1; k >= 0; k--) {
    const d = outShape.length - shape.length + k;
    strides[d] = shape[k] === 1 ? 0 : acc;
    acc *= shape[k]!;
  }
  return strides;
}

/**
 * Row-major strides of a shape.
 *
 * @example
 * ```ts
 * stridesOf([2, 3]); // [3, 1]
 * ```
 */
export function stridesOf(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let k = shape.length - 1; k >= 0; k--) {
    s[k] = acc;
    acc *= shape[k]!;
  }
  return s;
}

/**
 * A walk over an output shape with one stride list per operand, after dropping size-1 dimensions and
 * merging neighbours that every operand walks contiguously. Rank 0 means a single element.
 *
 * @example
 * ```ts
 * collapse([2, 3], [[3, 1], [3, 1]]); // { shape: [6], strides: [[1], [1]] }
 * ```
 */
export function collapse(shape: Shape, strides: readonly (readonly number[])[]): Plan {
  const dims: number[] = [];
  const out: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d]!;
    if (n === 1) continue;
    const last = dims.length - 1;
    const mergeable = last >= 0 && strides.every((s, k) => out[k]![last] === s[d]! * n);
    if (mergeable) {
      dims[last] = dims[last]! * n;
      strides.forEach((s, k) => {
        out[k]![last] = s[d]!;
      });
    } else {
      dims.push(n);
      strides.forEach((s, k) => {
        out[k]!.push(s[d]!);
      });
    }
  }
  return { shape: dims, strides: out };
}

/**
 * Result of {@link collapse}.
 *
 * @example
 * ```ts
 * const plan: Plan = { shape: [6], strides: [[1]] };
 * ```
 */
export interface Plan {
  readonly shape: number[];
  readonly strides: number[][];
}

/**
 * Add the uniforms {@link offsetsWgsl} reads: the dimensions `d1..` (the outermost needs none) and the
 * strides `s<k>_<d>` of each operand.
 *
 * @example
 * ```ts
 * addPlanParams(params, collapse(out, [sa, sb]));
 * ```
 */
export function addPlanParams(params: Params, plan: Plan): void {
  for (let d = 1; d < plan.shape.length; d++) params.u32(`d${d}`, plan.shape[d]!);
  plan.strides.forEach((s, k) => {
    s.forEach((v, d) => {
      params.u32(`s${k}_${d}`, v);
    });
  });
}

/**
 * WGSL computing `o0, o1, ...` (one offset per operand) from the flat output index `i`, unrolled for
 * `rank` dimensions.
 *
 * @example
 * ```ts
 * offsetsWgsl(2, 2); // 'var o0 = 0u; var o1 = 0u; var r = i; ...'
 * ```
 */
export function offsetsWgsl(rank: number, operands: number): string {
  const ks = Array.from({ length: operands }, (_, k) => k);
  const lines = [ks.map((k) => `var o${k} = 0u;`).join(' '), 'var r = i;'];
  for (let d = rank - 1; d >= 1; d--) {
    lines.push(
      `{ let c = r % p.d${d}; r = r / p.d${d}; ${ks.map((k) => `o${k} += c * p.s${k}_${d};`).join(' ')} }`,
    );
  }
  if (rank > 0) lines.push(ks.map((k) => `o${k} += r * p.s${k}_0;`).join(' '));
  return lines.join('\n  ');
}
