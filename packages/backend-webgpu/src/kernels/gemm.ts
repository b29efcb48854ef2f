/**
 * The GEMM shaders behind matmul and the three convolution kernels: `C = A B` per batch, for `A` of
 * `M x K` and `B` of `K x N`.
 *
 * How A and B are read and C written is supplied by the caller as WGSL functions, so convolutions run as
 * implicit GEMMs (im2col on the fly, never materialised). Index work is split so that the costly part
 * (integer division of a flat index into coordinates) is done once per row, column or k, not per element:
 *
 * - `rowA(b, row) -> vec4<i32>` and `kA(k) -> vec4<i32>` describe a row of A and a depth k;
 *   `loadA(r, q) -> f32` reads A at (row, k) from their descriptors;
 * - `colB(b, col)`, `kB(k)` and `loadB(q, c)` likewise for B;
 * - `store(b, s, row, col, v)` writes C (`s` is the K split, see below).
 *
 * The loaders are only asked for rows < M, columns < N and k < K. Each thread accumulates an `rm x rn`
 * block of C in registers. Two kernels:
 * - direct (small products): each thread reads its rows of A and columns of B straight from storage;
 * - tiled (large products): a workgroup computes a `tm x tn` block, walking K in steps of `tk` staged in
 *   workgroup memory as vec4 columns.
 * The direct kernel compiles several times faster, which matters more than speed on small problems and
 * on an emulated GPU (see `Runtime.gemmDirectMaxMacs`).
 *
 * Split-K: when the output has few blocks but K is long (a filter gradient sums over every output pixel),
 * the K range is cut into `splits` chunks run by separate workgroups, each storing a partial result;
 * {@link sumSplits} adds them up.
 *
 * @packageDocumentation
 */
import { type Binding, header, loop1d, Params } from '../wgsl.js';
import type { KernelContext } from './context.js';

/**
 * Shape of the work of one workgroup: a `tm x tn` block of C, `rm x rn` per thread (multiples of 4), and
 * for the tiled kernel K steps of `tk` staged in workgroup memory (`tk = 0`: the direct kernel, which
 * reads A and B straight from storage).
 *
 * @example
 * ```ts
 * const t: Tile = { tm: 64, tn: 64, tk: 16, rm: 8, rn: 8 };
 * ```
 */
export interface Tile {
  readonly tm: number;
  readonly tn: number;
  readonly tk: number;
  readonly rm: number;
  readonly rn: number;
}

/**
 * Pick the kernel and tile for an `M x N x K` product. The tiled kernel (64 x 64 blocks, 8 x 8 per thread)
 * pays off only when both M and N are wide and the product is large (`directMaxMacs`, see
 * `Runtime.gemmDirectMaxMacs`); narrow products (a convolution with few channels) gain nothing from
 * staging, as the B slice is tiny, and take the direct kernel with a block shaped to N.
 *
 * @example
 * ```ts
 * chooseTile(512, 512, 512, 1 << 21); // { tm: 64, tn: 64, tk: 16, rm: 8, rn: 8 }
 * ```
 */
export function chooseTile(m: number, n: number, k: number, directMaxMacs: number): Tile {
  if (m <= 16 || n <= 16 || m * n * k < directMaxMacs) {
    const wx = n <= 4 ? 1 : n <= 8 ? 2 : n <= 16 ? 4 : 8;
    return { tm: 4 * (64 / wx), tn: 4 * wx, tk: 0, rm: 4, rn: 4 };
  }
  return { tm: 64, tn: 64, tk: 16, rm: 8, rn: 8 };
}

/**
 * One GEMM launch: sizes, the loader/store WGSL, and the buffers. `params` gets `M, N, K, kChunk, splits`
 * appended here; the loaders may read any fields added before.
 *
 * @example
 * ```ts
 * runGemm(ctx, { key: 'matmul', batch: 1, m, n, k, loaders, params, inputs, bindings, output });
 * ```
 */
export interface GemmCall {
  /** Identifies the loaders (the tile shape is added to the pipeline key here). */
  readonly key: string;
  readonly batch: number;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly loaders: string;
  readonly params: Params;
  readonly inputs: readonly GPUBuffer[];
  readonly bindings: readonly Binding[];
  readonly output: GPUBuffer;
  /** Number of K chunks (default 1); `store` then receives the chunk index. */
  readonly splits?: number;
  readonly tile?: Tile;
}

const LANES = ['x', 'y', 'z', 'w'];

/** A vec4 of A at depth k (descriptor `qa`) for four rows, of which `valid` exist. */
function rowsA(rows: readonly string[], qa: string, valid: readonly string[] | null): string {
  const lanes = rows.map((r, q) =>
    valid ? `select(0.0, loadA(${r}, ${qa}), ${valid[q]})` : `loadA(${r}, ${qa})`,
  );
  return `vec4<f32>(${lanes.join(', ')})`;
}

/** A vec4 of B at depth k (descriptor `qb`) for four columns, of which `valid` exist. */
function colsB(qb: string, cols: readonly string[], valid: readonly string[] | null): string {
  const lanes = cols.map((c, q) =>
    valid ? `select(0.0, loadB(${qb}, ${c}), ${valid[q]})` : `loadB(${qb}, ${c})`,
  );
  return `vec4<f32>(${lanes.join(', ')})`;
}

/**
 * Per-thread accumulators `c<i>_<j>` (row i, column group j), their update and their guarded stores
 * (the block starts at row `rb`, column `cb`).
 */
function registers(t: Tile): { decl: string; fma: string; store: string } {
  const decl: string[] = [];
  const fma: string[] = [];
  const store: string[] = [];
  for (let i = 0; i < t.rm; i++) {
    for (let j = 0; j < t.rn / 4; j++) {
      decl.push(`var c${i}_${j} = vec4<f32>();`);
      fma.push(`c${i}_${j} += a${Math.floor(i / 4)}.${LANES[i % 4]} * b${j};`);
      for (let q = 0; q < 4; q++) {
        const col = `cb + ${j * 4 + q}u`;
        store.push(
          `if (rb + ${i}u < p.M && ${col} < p.N) { store(bz, split, rb + ${i}u, ${col}, c${i}_${j}.${LANES[q]}); }`,
        );
      }
    }
  }
  return { decl: decl.join('\n  '), fma: fma.join('\n    '), store: store.join('\n  ') };
}

/** Entry point, tile origin and K range shared by both kernels. */
function prologue(wx: number, wy: number, t: Tile): string {
  return `@compute @workgroup_size(${wx}, ${wy}, 1)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let bz = wid.z / p.splits;
  let split = wid.z % p.splits;
  let row0 = wid.y * ${t.tm}u;
  let col0 = wid.x * ${t.tn}u;
  let kBegin = split * p.kChunk;
  let kEnd = min(p.K, kBegin + p.kChunk);`;
}

/** The direct kernel: each thread reads its rows of A and columns of B straight from storage. */
function directSource(t: Tile, io: string, loaders: string): string {
  const r = registers(t);
  // Rows and columns past the edge are clamped to the last one: their loads stay in bounds and their
  // results are never stored.
  const rows = Array.from({ length: t.rm }, (_, i) => `let ra${i} = rowA(bz, min(rb + ${i}u, p.M - 1u));`);
  const cols = Array.from({ length: t.rn }, (_, j) => `let cb${j} = colB(bz, min(cb + ${j}u, p.N - 1u));`);
  const aLoads = Array.from({ length: t.rm / 4 }, (_, g) => {
    const names = [0, 1, 2, 3].map((q) => `ra${4 * g + q}`);
    return `let a${g} = ${rowsA(names, 'qa', null)};`;
  });
  const bLoads = Array.from({ length: t.rn / 4 }, (_, j) => {
    const names = [0, 1, 2, 3].map((q) => `cb${4 * j + q}`);
    return `let b${j} = ${colsB('qb', names, null)};`;
  });
  return `${io}
${loaders}
${prologue(t.tn / t.rn, t.tm / t.rm, t)}
  let rb = row0 + lid.y * ${t.rm}u;
  let cb = col0 + lid.x * ${t.rn}u;
  if (rb >= p.M || cb >= p.N) { return; }
  ${rows.join('\n  ')}
  ${cols.join('\n  ')}
  ${r.decl}
  for (var k = kBegin; k < kEnd; k++) {
    let qa = kA(k);
    let qb = kB(k);
    ${aLoads.join('\n    ')}
    ${bLoads.join('\n    ')}
    ${r.fma}
  }
  ${r.store}
}`;
}

/** The tiled kernel: K steps of `tk` staged in workgroup memory as vec4 columns. */
function tiledSource(t: Tile, io: string, loaders: string): string {
  const wx = t.tn / t.rn;
  const wy = t.tm / t.rm;
  const threads = wx * wy;
  const tm4 = t.tm / 4;
  const tn4 = t.tn / 4;
  const r = registers(t);
  const aLoads = Array.from(
    { length: t.rm / 4 },
    (_, g) => `let a${g} = As[kk * ${tm4}u + lid.y * ${t.rm / 4}u + ${g}u];`,
  );
  const bLoads = Array.from(
    { length: t.rn / 4 },
    (_, j) => `let b${j} = Bs[kk * ${tn4}u + lid.x * ${t.rn / 4}u + ${j}u];`,
  );
  const four = [0, 1, 2, 3];
  return `${io}
${loaders}
var<workgroup> As: array<vec4<f32>, ${t.tk * tm4}>;
var<workgroup> Bs: array<vec4<f32>, ${t.tk * tn4}>;
${prologue(wx, wy, t)}
  let tid = lid.y * ${wx}u + lid.x;
  let rb = row0 + lid.y * ${t.rm}u;
  let cb = col0 + lid.x * ${t.rn}u;
  ${r.decl}
  for (var k0 = kBegin; k0 < kEnd; k0 += ${t.tk}u) {
    for (var e = tid; e < ${t.tk * tm4}u; e += ${threads}u) {
      let k = k0 + e / ${tm4}u;
      let rw = row0 + (e % ${tm4}u) * 4u;
      var v = vec4<f32>();
      if (k < kEnd) {
        let qa = kA(k);
        ${four.map((q) => `let r${q} = min(rw + ${q}u, p.M - 1u);`).join(' ')}
        v = ${rowsA(
          four.map((q) => `rowA(bz, r${q})`),
          'qa',
          four.map((q) => `rw + ${q}u < p.M`),
        )};
      }
      As[e] = v;
    }
    for (var e = tid; e < ${t.tk * tn4}u; e += ${threads}u) {
      let k = k0 + e / ${tn4}u;
      let cl = col0 + (e % ${tn4}u) * 4u;
      var v = vec4<f32>();
      if (k < kEnd) {
        let qb = kB(k);
        ${four.map((q) => `let c${q} = min(cl + ${q}u, p.N - 1u);`).join(' ')}
        v = ${colsB(
          'qb',
          four.map((q) => `colB(bz, c${q})`),
          four.map((q) => `cl + ${q}u < p.N`),
        )};
      }
      Bs[e] = v;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < ${t.tk}u; kk++) {
      ${aLoads.join('\n      ')}
      ${bLoads.join('\n      ')}
      ${r.fma.replaceAll('\n    ', '\n      ')}
    }
    workgroupBarrier();
  }
  ${r.store}
}`;
}

/**
 * Record one GEMM (see the module notes). Empty K still stores zeros.
 *
 * @example
 * ```ts
 * runGemm(ctx, call);
 * ```
 */
export function runGemm(ctx: KernelContext, call: GemmCall): void {
  const t = call.tile ?? chooseTile(call.m, call.n, call.k, ctx.rt.gemmDirectMaxMacs);
  const splits = call.splits ?? 1;
  const step = Math.max(t.tk, 1);
  const kChunk = Math.max(step, Math.ceil(call.k / splits / step) * step);
  const params = call.params.u32('M', call.m).u32('N', call.n).u32('K', call.k);
  params.u32('kChunk', kChunk).u32('splits', splits);
  const groupsX = Math.ceil(call.n / t.tn);
  const groupsY = Math.ceil(call.m / t.tm);
  const groupsZ = call.batch * splits;
  if (groupsX > 65535 || groupsY > 65535 || groupsZ > 65535) {
    throw new Error(
      `webgpu: ${call.key}: a ${call.m}x${call.n} (batch ${call.batch}) product exceeds the dispatch limits`,
    );
  }
  const io = header(params, call.bindings, { name: 'ys', type: 'f32' });
  ctx.rt.run({
    key: `${call.key}:${t.tk === 0 ? 'direct' : `t${t.tk}`}:${t.tm}x${t.tn}r${t.rm}x${t.rn}`,
    source: () => (t.tk === 0 ? directSource : tiledSource)(t, io, call.loaders),
    params,
    inputs: call.inputs,
    output: call.output,
    workgroups: [groupsX, groupsY, groupsZ],
  });
}

/**
 * Add up the `splits` partial results of a split-K GEMM: `out[i] = sum_s partial[s * size + i]`.
 *
 * @example
 * ```ts
 * sumSplits(ctx, partial, 4, m * n, out);
 * ```
 */
export function sumSplits(
  ctx: KernelContext,
  partial: GPUBuffer,
  splits: number,
  size: number,
  out: GPUBuffer,
): void {
  const params = new Params().u32('n', size).u32('splits', splits);
  ctx.rt.run({
    key: 'gemm-sum-splits',
    source: () => `${header(params, [{ name: 'xs', type: 'f32' }], { name: 'ys', type: 'f32' })}
${loop1d(
  'p.n',
  `  var acc = 0.0;
  for (var s = 0u; s < p.splits; s++) { acc += xs[s * p.n + i]; }
  ys[i] = acc;`,
)}`,
    params,
    inputs: [partial],
    output: out,
    workgroups: ctx.rt.groups(size),
  });
}
