/**
 * The memory layout and the numbering shared with the WebAssembly kernels (assembly/*.ts): where the
 * control block and job descriptors live, the field order of each descriptor, and the op codes (the module's
 * exports and task numbers are in `kernel-exports.ts`).
 * Keep in step with the AssemblyScript sources (`@unmanaged` classes and `switch` cases).
 *
 * @packageDocumentation
 */

/**
 * Byte addresses in the WebAssembly memory: the module's static data ends below `CONTROL`; the worker
 * pool's control words start there, job descriptors follow, and the allocator hands out memory from `HEAP_BASE`.
 *
 * @example
 * ```ts
 * const words = new Int32Array(memory.buffer, MEMORY.CONTROL, 16);
 * ```
 */
export const MEMORY = Object.freeze({
  CONTROL: 16384,
  /** A {@link GEMM} descriptor. */
  GEMM: 16384 + 256,
  /** A {@link CONV_GEOM} descriptor (the im2col source of a GEMM). */
  CONV: 16384 + 512,
  /** A {@link POOL} descriptor. */
  POOL: 16384 + 768,
  /** A {@link DEPTHWISE} descriptor. */
  DEPTHWISE: 16384 + 1024,
  /** An {@link AFFINE} descriptor. */
  AFFINE: 16384 + 1280,
  HEAP_BASE: 65536,
});

/**
 * Word indices of the channelAffine descriptor (class `Affine` in assembly/affine.ts).
 *
 * @example
 * ```ts
 * words[AFFINE.C] = 32;
 * ```
 */
export const AFFINE = Object.freeze({
  X: 0,
  MEAN: 1,
  SCALE: 2,
  OFFSET: 3,
  OUT: 4,
  C: 5,
  N: 6,
  ROWS: 7,
  RELU6: 8,
});

/**
 * Word indices of the GEMM descriptor (class `Gemm` in assembly/gemm.ts).
 *
 * @example
 * ```ts
 * words[GEMM.M] = 64;
 * ```
 */
export const GEMM = Object.freeze({
  M: 0,
  N: 1,
  K: 2,
  A: 3,
  A_RS: 4,
  A_CS: 5,
  A_BATCH: 6,
  A_MODE: 7,
  GEOM: 8,
  B: 9,
  B_RS: 10,
  B_CS: 11,
  B_BATCH: 12,
  PB: 13,
  PB_BATCH: 14,
  C: 15,
  LDC: 16,
  C_BATCH: 17,
  FLAGS: 18,
  BIAS: 19,
  SCRATCH: 20,
  SCRATCH_STRIDE: 21,
  M_BLOCK: 22,
  N_BLOCK: 23,
  M_TASKS: 24,
  N_TASKS: 25,
  K_BLOCK: 26,
  PARTIALS: 27,
  WORDS: 28,
});

/**
 * How a GEMM reads A: a strided matrix, the im2col matrix of an image, or its transpose.
 *
 * @example
 * ```ts
 * words[GEMM.A_MODE] = A_MODE.IM2COL;
 * ```
 */
export const A_MODE = Object.freeze({ STRIDED: 0, IM2COL: 1, IM2COL_T: 2 });

/**
 * Flags of a GEMM: add to C, add a bias row, apply ReLU (bias and ReLU after the last K block).
 *
 * @example
 * ```ts
 * words[GEMM.FLAGS] = GEMM_FLAGS.BIAS | GEMM_FLAGS.RELU;
 * ```
 */
export const GEMM_FLAGS = Object.freeze({ ACCUMULATE: 1, BIAS: 2, RELU: 4 });

/**
 * Blocking of the GEMM kernels: depth of a packed block, rows of A packed at once, micro-tile size.
 *
 * @example
 * ```ts
 * const scratchBytes = BLOCK.MC * BLOCK.KC * 4;
 * ```
 */
export const BLOCK = Object.freeze({ KC: 256, MC: 64, MR: 4, NR: 8 });

/**
 * Word indices of the convolution geometry (class `ConvGeom` in assembly/pack.ts).
 *
 * @example
 * ```ts
 * words[CONV_GEOM.H] = 28;
 * ```
 */
export const CONV_GEOM = Object.freeze({
  X: 0,
  H: 1,
  W: 2,
  C: 3,
  OUT_H: 4,
  OUT_W: 5,
  FH: 6,
  FW: 7,
  SH: 8,
  SW: 9,
  DH: 10,
  DW: 11,
  PAD_TOP: 12,
  PAD_LEFT: 13,
});

/**
 * Word indices of the pooling descriptor (class `PoolGeom` in assembly/pool.ts).
 *
 * @example
 * ```ts
 * words[POOL.C] = 8;
 * ```
 */
export const POOL = Object.freeze({
  X: 0,
  DY: 1,
  OUT: 2,
  H: 3,
  W: 4,
  C: 5,
  OUT_H: 6,
  OUT_W: 7,
  FH: 8,
  FW: 9,
  SH: 10,
  SW: 11,
  PAD_TOP: 12,
  PAD_LEFT: 13,
});

/**
 * Word indices of the depthwise convolution descriptor (class `Depthwise` in assembly/depthwise.ts).
 *
 * @example
 * ```ts
 * words[DEPTHWISE.M] = 1;
 * ```
 */
export const DEPTHWISE = Object.freeze({
  A: 0,
  B: 1,
  OUT: 2,
  H: 3,
  W: 4,
  C: 5,
  M: 6,
  OUT_H: 7,
  OUT_W: 8,
  FH: 9,
  FW: 10,
  SH: 11,
  SW: 12,
  DH: 13,
  DW: 14,
  PAD_TOP: 15,
  PAD_LEFT: 16,
  ROWS: 17,
  TOTAL_ROWS: 18,
});

/**
 * Op codes of `unaryF32` (assembly/elementwise.ts). Unary ops missing here run on the reference kernels.
 *
 * @example
 * ```ts
 * exports.unaryF32(UNARY_CODES.relu!, x, o, n);
 * ```
 */
export const UNARY_CODES: Readonly<Partial<Record<string, number>>> = Object.freeze({
  neg: 0,
  abs: 1,
  square: 2,
  sqrt: 3,
  rsqrt: 4,
  reciprocal: 5,
  relu: 6,
  step: 7,
  exp: 8,
  log: 9,
  sigmoid: 10,
  tanh: 11,
  floor: 12,
  ceil: 13,
  round: 14,
  sign: 15,
});

/**
 * Op codes of `binaryF32`: arithmetic (float32 out) below 6, comparisons (bool out) from 6.
 *
 * @example
 * ```ts
 * exports.binaryF32(BINARY_CODES.add!, a, 1, 1, b, 0, 0, o, 1, n);
 * ```
 */
export const BINARY_CODES: Readonly<Partial<Record<string, number>>> = Object.freeze({
  add: 0,
  sub: 1,
  mul: 2,
  div: 3,
  maximum: 4,
  minimum: 5,
  equal: 6,
  notEqual: 7,
  less: 8,
  lessEqual: 9,
  greater: 10,
  greaterEqual: 11,
});

/**
 * Op codes of `reduceRows`.
 *
 * @example
 * ```ts
 * exports.reduceRows(REDUCE_CODES.sum!, x, o, rows, inner);
 * ```
 */
export const REDUCE_CODES: Readonly<Partial<Record<string, number>>> = Object.freeze({
  sum: 0,
  max: 1,
  min: 2,
});
