/**
 * WGSL building blocks shared by every kernel: element types per dtype, the math prelude (NaN and
 * infinity without constant folding, NaN tests on bits), the uniform parameters, and the grid-stride
 * entry point of 1-D kernels.
 *
 * Every shader has the same binding layout: `@binding(0)` the uniform parameters `p`, then the inputs
 * (read-only storage) and last the output (read-write storage), all in `@group(0)`.
 *
 * @packageDocumentation
 */
import type { DType } from '@neurona/core';

/**
 * WGSL scalar type that stores a dtype on the GPU: int32 as `i32`, bool as `u32` holding 0 or 1.
 *
 * @example
 * ```ts
 * wgslType('bool'); // 'u32'
 * ```
 */
export function wgslType(dtype: DType): 'f32' | 'i32' | 'u32' {
  return dtype === 'float32' ? 'f32' : dtype === 'int32' ? 'i32' : 'u32';
}

/**
 * Threads per workgroup of the 1-D (elementwise and movement) kernels.
 *
 * @example
 * ```ts
 * const groups = Math.ceil(n / WG);
 * ```
 */
export const WG = 64;

/**
 * The entry point of a 1-D kernel: a grid-stride loop running `body` for every `i < limit`, however many
 * workgroups were dispatched (see {@link Runtime.groups}).
 *
 * @example
 * ```ts
 * const src = `${header(params, inputs, out)}\n${loop1d('p.n', 'ys[i] = xs[i] * 2.0;')}`;
 * ```
 */
export function loop1d(limit: string, body: string): string {
  return `@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  for (var i = gid.x; i < ${limit}; i += nwg.x * ${WG}u) {
    ${body}
  }
}`;
}

/**
 * Math helpers every shader may use. Infinity and NaN come from `var<private>` bit patterns because WGSL
 * rejects them in constant expressions; NaN tests look at the bits because emulated GPUs (SwiftShader)
 * compare NaN as equal to itself and let `max`/`clamp` swallow it.
 *
 * @example
 * ```ts
 * const src = `${PRELUDE}\n fn f(x: f32) -> f32 { return select(x, nan(), x < 0.0); }`;
 * ```
 */
export const PRELUDE = /* wgsl */ `
var<private> INF_BITS: u32 = 0x7f800000u;
var<private> NAN_BITS: u32 = 0x7fc00000u;
fn inf() -> f32 { return bitcast<f32>(INF_BITS); }
fn nan() -> f32 { return bitcast<f32>(NAN_BITS); }
fn isnan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn isinf(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }
`;

/** One uniform field: a name and its WGSL scalar type. */
type Field = readonly [name: string, type: 'u32' | 'i32' | 'f32'];

/**
 * The uniform parameters of one dispatch: named u32/i32/f32 scalars, in order. The same kernel code
 * path always adds the same fields, so the generated struct matches the cached pipeline.
 *
 * @example
 * ```ts
 * const p = new Params().u32('n', 6).f32('value', 0.5);
 * p.struct(); // 'struct Params { n: u32, value: f32, }'
 * ```
 */
export class Params {
  private readonly fields: Field[] = [];
  private readonly values: number[] = [];

  /** Add an unsigned field (non-negative integer). */
  u32(name: string, value: number): this {
    return this.add(name, 'u32', value);
  }

  /** Add a signed integer field. */
  i32(name: string, value: number): this {
    return this.add(name, 'i32', value);
  }

  /** Add a float field. */
  f32(name: string, value: number): this {
    return this.add(name, 'f32', value);
  }

  private add(name: string, type: Field[1], value: number): this {
    this.fields.push([name, type]);
    this.values.push(value);
    return this;
  }

  /** Bytes the fields take (each 4). */
  get byteLength(): number {
    return Math.max(16, Math.ceil((this.fields.length * 4) / 16) * 16);
  }

  /** The WGSL struct declaration `Params` (a dummy field when empty: WGSL structs need one). */
  struct(): string {
    const body = this.fields.map(([n, t]) => `${n}: ${t},`).join(' ');
    return `struct Params { ${body || 'unused: u32,'} }`;
  }

  /** Write the values at `offset` (bytes) of `view`. */
  write(view: DataView, offset: number): void {
    for (let k = 0; k < this.fields.length; k++) {
      const type = this.fields[k]![1];
      const v = this.values[k]!;
      const at = offset + 4 * k;
      if (type === 'f32') view.setFloat32(at, v, true);
      else if (type === 'i32') view.setInt32(at, v, true);
      else view.setUint32(at, v, true);
    }
  }
}

/**
 * A storage binding of a shader: its name in WGSL and its element type.
 *
 * @example
 * ```ts
 * const b: Binding = { name: 'x', type: 'f32' };
 * ```
 */
export interface Binding {
  readonly name: string;
  readonly type: 'f32' | 'i32' | 'u32';
}

/**
 * The declarations every shader starts with: the params struct and uniform `p`, the read-only inputs and
 * the read-write output, then {@link PRELUDE}.
 *
 * @example
 * ```ts
 * header(params, [{ name: 'x', type: 'f32' }], { name: 'y', type: 'f32' });
 * ```
 */
export function header(params: Params, inputs: readonly Binding[], output: Binding): string {
  const lines = [params.struct(), '@group(0) @binding(0) var<uniform> p: Params;'];
  inputs.forEach((b, k) => {
    lines.push(`@group(0) @binding(${k + 1}) var<storage, read> ${b.name}: array<${b.type}>;`);
  });
  lines.push(
    `@group(0) @binding(${inputs.length + 1}) var<storage, read_write> ${output.name}: array<${output.type}>;`,
  );
  return `${lines.join('\n')}\n${PRELUDE}`;
}
