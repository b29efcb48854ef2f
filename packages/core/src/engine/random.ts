/**
 * The seeded pseudo-random generator behind weight initialisation, shuffling and dropout masks
 * (xoshiro128** seeded through splitmix32). Values are produced on the host, so every backend sees the
 * same numbers for the same seed.
 *
 * @example
 * ```ts
 * const rng = new nr.Rng(42);
 * rng.uniform(); // in [0, 1)
 * ```
 */
export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spareNormal: number | null = null;

  /** Seeded from `seed`, or from `Math.random` when omitted. */
  constructor(seed?: number) {
    this.seed(seed ?? Math.floor(Math.random() * 0x100000000));
  }

  /** Restart the sequence from `seed` (any finite number; its 32 low bits of integer part and fraction mix in). */
  seed(seed: number): void {
    if (!Number.isFinite(seed)) throw new Error(`seed: expected a finite number, got ${seed}`);
    let x = (Math.floor(seed) ^ Math.floor((seed % 1) * 0x100000000)) >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
    this.spareNormal = null;
  }

  /**
   * The generator's position, to continue the same sequence elsewhere (another thread, a checkpoint) with
   * {@link Rng.setState}: the four state words and the cached second normal sample (or `null`).
   */
  getState(): RngState {
    return {
      words: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0],
      spareNormal: this.spareNormal,
    };
  }

  /** Continue from a position given by {@link Rng.getState}. */
  setState(state: RngState): void {
    const w = state?.words;
    const ok =
      Array.isArray(w) &&
      w.length === 4 &&
      w.every((v) => Number.isInteger(v) && v >= 0 && v < 0x100000000) &&
      w.some((v) => v !== 0);
    if (!ok) {
      throw new Error(
        `Rng.setState: words must be 4 unsigned 32-bit integers, not all 0, got ${JSON.stringify(w)}`,
      );
    }
    const spare = state.spareNormal;
    if (spare !== null && !Number.isFinite(spare)) {
      throw new Error(`Rng.setState: spareNormal must be a finite number or null, got ${spare}`);
    }
    [this.s0, this.s1, this.s2, this.s3] = w as [number, number, number, number];
    this.spareNormal = spare;
  }

  /** Next 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform float64 in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /**
   * Fill `out` with uniform draws in [0, 1): the values `out.length` calls of {@link Rng.uniform} return, in
   * order (rounded to float32 in a Float32Array), and the generator ends where those calls leave it. The
   * state stays in local variables for the whole loop, which makes large fills (dropout masks) several
   * times faster than calling `uniform` per element.
   *
   * @example
   * ```ts
   * const u = new Float32Array(1024);
   * new nr.Rng(7).fillUniform(u);
   * ```
   */
  fillUniform(out: Float32Array | Float64Array): void {
    // int32 locals (`| 0`, rotations inline) stay unboxed in optimised code; the bits are nextUint32's.
    let s0 = this.s0 | 0;
    let s1 = this.s1 | 0;
    let s2 = this.s2 | 0;
    let s3 = this.s3 | 0;
    for (let i = 0; i < out.length; i++) {
      // Two steps of xoshiro128**, as nextUint32 takes them.
      let m = Math.imul(s1, 5);
      const hi = Math.imul((m << 7) | (m >>> 25), 9) >>> 5;
      let t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      m = Math.imul(s1, 5);
      const lo = Math.imul((m << 7) | (m >>> 25), 9) >>> 6;
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      out[i] = (hi * 67108864 + lo) / 9007199254740992;
    }
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
  }

  /** Standard normal sample (Box-Muller, float64). */
  normal(): number {
    if (this.spareNormal !== null) {
      const s = this.spareNormal;
      this.spareNormal = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Shuffle an array in place (Fisher-Yates) and return it. */
  shuffle<T extends { length: number; [i: number]: unknown }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = a[i];
      a[i] = a[j];
      a[j] = tmp;
    }
    return a;
  }
}

/**
 * A position of an {@link Rng}: four unsigned 32-bit state words and the cached second normal sample.
 *
 * @example
 * ```ts
 * const state: nr.RngState = new nr.Rng(1).getState();
 * ```
 */
export interface RngState {
  /** The xoshiro128** state words (unsigned 32-bit integers, not all zero). */
  readonly words: readonly number[];
  /** The second sample of the last Box-Muller pair, not yet returned (`null` when none). */
  readonly spareNormal: number | null;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
