/**
 * Seeded generation of shapes and data for the suite, on top of core's `Rng` (so a failing case is
 * reproducible from its seed on every backend and machine).
 *
 * @packageDocumentation
 */
import type { DType, TypedArray } from '@neurona/core';
import * as nr from '@neurona/core';

/**
 * Host data for one tensor: shape, dtype and values. Turned into a Neurona tensor with {@link toNr}
 * (and into a TensorFlow.js tensor by the oracle).
 *
 * @example
 * ```ts
 * const a: HostTensor = { shape: [2], dtype: 'float32', data: new Float32Array([1, 2]) };
 * ```
 */
export interface HostTensor {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly data: TypedArray;
}

/**
 * Upload host data as a Neurona tensor on the active backend.
 *
 * @example
 * ```ts
 * const t = toNr(gen.floats([2, 3]));
 * ```
 */
export function toNr(h: HostTensor): nr.Tensor {
  return nr.tensor(h.data, h.shape, h.dtype);
}

/**
 * Number of elements of a shape (1 for a scalar).
 *
 * @example
 * ```ts
 * sizeOf([2, 3]); // 6
 * ```
 */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

/**
 * A seeded generator of shapes and tensor data.
 *
 * @example
 * ```ts
 * const g = new Gen(7);
 * const x = g.floats([2, 3], -1, 1); // HostTensor
 * ```
 */
export class Gen {
  private readonly rng: nr.Rng;

  constructor(seed: number) {
    this.rng = new nr.Rng(seed);
  }

  /** Uniform float in [lo, hi). */
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * this.rng.uniform();
  }

  /** Uniform integer in [lo, hi] (both included). */
  int(lo: number, hi: number): number {
    return lo + this.rng.int(hi - lo + 1);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.rng.uniform() < p;
  }

  /** One element of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[this.rng.int(items.length)]!;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): number[] {
    return this.rng.shuffle(Array.from({ length: n }, (_, i) => i));
  }

  /** A shape of rank in [minRank, maxRank] with dims in [minDim, maxDim]. */
  shape(minRank: number, maxRank: number, minDim = 1, maxDim = 4): number[] {
    return Array.from({ length: this.int(minRank, maxRank) }, () => this.int(minDim, maxDim));
  }

  /**
   * A shape that broadcasts against `shape`: a random suffix of it (possibly shorter), with some dims
   * replaced by 1; the result of broadcasting the two is `shape`.
   */
  broadcastPartner(shape: readonly number[]): number[] {
    const keep = this.int(0, shape.length);
    return shape.slice(shape.length - keep).map((d) => (this.chance(0.35) ? 1 : d));
  }

  /** Float32 values uniform in [lo, hi). */
  floats(shape: readonly number[], lo = -1, hi = 1): HostTensor {
    const data = new Float32Array(sizeOf(shape));
    for (let i = 0; i < data.length; i++) data[i] = this.uniform(lo, hi);
    return { shape: [...shape], dtype: 'float32', data };
  }

  /** Float32 values with `lo <= |x| < hi` and a random sign (away from 0, for kinks at 0). */
  awayFromZero(shape: readonly number[], lo = 0.1, hi = 1): HostTensor {
    const data = new Float32Array(sizeOf(shape));
    for (let i = 0; i < data.length; i++) data[i] = (this.chance(0.5) ? -1 : 1) * this.uniform(lo, hi);
    return { shape: [...shape], dtype: 'float32', data };
  }

  /**
   * Distinct float32 values `offset + spacing * k` for a random permutation of k (no ties within `spacing`,
   * for max/min and max pooling, whose gradients jump where two values meet).
   */
  distinct(shape: readonly number[], spacing = 0.1, offset?: number): HostTensor {
    const n = sizeOf(shape);
    const base = offset ?? -spacing * Math.floor(n / 2);
    const perm = this.permutation(n);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = base + spacing * perm[i]!;
    return { shape: [...shape], dtype: 'float32', data };
  }

  /** Int32 values in [lo, hi]. */
  ints(shape: readonly number[], lo: number, hi: number): HostTensor {
    const data = new Int32Array(sizeOf(shape));
    for (let i = 0; i < data.length; i++) data[i] = this.int(lo, hi);
    return { shape: [...shape], dtype: 'int32', data };
  }

  /** Bool values, true with probability `p`. */
  bools(shape: readonly number[], p = 0.5): HostTensor {
    const data = new Uint8Array(sizeOf(shape));
    for (let i = 0; i < data.length; i++) data[i] = this.chance(p) ? 1 : 0;
    return { shape: [...shape], dtype: 'bool', data };
  }
}
