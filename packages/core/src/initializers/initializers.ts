import type { DType, Shape } from '../backend/types.js';
import { engine } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import { fill, randomNormal, randomUniform, tensor, truncatedNormal } from '../ops/creation.js';

/**
 * Serialisable configuration of an initializer, regularizer or layer (JSON values only).
 *
 * @example
 * ```ts
 * const c: nr.ConfigDict = { scale: 1, mode: 'fan_avg' };
 * ```
 */
export type ConfigValue = string | number | boolean | null | ConfigValue[] | { [key: string]: ConfigValue };
/**
 * A JSON object of configuration values.
 *
 * @example
 * ```ts
 * const c: nr.ConfigDict = { units: 10 };
 * ```
 */
export type ConfigDict = { [key: string]: ConfigValue };

/**
 * Produces the initial value of a weight of a given shape, from the one seeded generator.
 *
 * @example
 * ```ts
 * const w = nr.initializers.heNormal().apply([784, 128]);
 * ```
 */
export interface Initializer {
  /** Keras class name, used in saved models. */
  readonly className: string;
  apply(shape: Shape, dtype?: DType): Tensor;
  getConfig(): ConfigDict;
}

/**
 * Fan-in and fan-out as Keras computes them (dense `[in, out]`, conv `[...kernel, in, out]`).
 *
 * @example
 * ```ts
 * nr.initializers.computeFans([5, 5, 1, 8]); // { fanIn: 25, fanOut: 200 }
 * ```
 */
export function computeFans(shape: Shape): { fanIn: number; fanOut: number } {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0]!, fanOut: shape[0]! };
  if (shape.length === 2) return { fanIn: shape[0]!, fanOut: shape[1]! };
  let receptive = 1;
  for (let i = 0; i < shape.length - 2; i++) receptive *= shape[i]!;
  return { fanIn: shape[shape.length - 2]! * receptive, fanOut: shape[shape.length - 1]! * receptive };
}

type Mode = 'fan_in' | 'fan_out' | 'fan_avg';
type Distribution = 'truncated_normal' | 'untruncated_normal' | 'uniform';

/**
 * Variance scaling: the family behind Glorot, He and LeCun initialisers.
 *
 * @example
 * ```ts
 * nr.initializers.varianceScaling({ scale: 2, mode: 'fan_in', distribution: 'truncated_normal' });
 * ```
 */
export function varianceScaling(
  config: { scale?: number; mode?: Mode; distribution?: Distribution } = {},
  className = 'VarianceScaling',
): Initializer {
  const scale = config.scale ?? 1;
  const mode = config.mode ?? 'fan_in';
  const distribution = config.distribution ?? 'truncated_normal';
  if (!(scale > 0)) throw new Error(`varianceScaling: scale must be positive, got ${scale}`);
  return {
    className,
    apply(shape, dtype = 'float32') {
      const { fanIn, fanOut } = computeFans(shape);
      const n = mode === 'fan_in' ? fanIn : mode === 'fan_out' ? fanOut : (fanIn + fanOut) / 2;
      const variance = scale / Math.max(1, n);
      if (distribution === 'uniform') {
        const limit = Math.sqrt(3 * variance);
        return randomUniform(shape, -limit, limit, dtype);
      }
      if (distribution === 'untruncated_normal') return randomNormal(shape, 0, Math.sqrt(variance), dtype);
      // std of a normal truncated at 2 sigma is 0.8796 of the untruncated one; Keras corrects for it
      return truncatedNormal(shape, 0, Math.sqrt(variance) / 0.8796256610342398, dtype);
    },
    // Keras's named variants (GlorotUniform, HeNormal, ...) take only a seed; VarianceScaling takes everything.
    getConfig: (): ConfigDict =>
      className === 'VarianceScaling' ? { scale, mode, distribution, seed: null } : { seed: null },
  };
}

/**
 * Glorot (Xavier) uniform: U(-l, l) with l = √(6 / (fanIn + fanOut)). The default for dense and conv kernels.
 *
 * @example
 * ```ts
 * nr.initializers.glorotUniform().apply([3, 2]);
 * ```
 */
export const glorotUniform = (): Initializer =>
  varianceScaling({ scale: 1, mode: 'fan_avg', distribution: 'uniform' }, 'GlorotUniform');
/**
 * Glorot (Xavier) normal: truncated normal with variance 2 / (fanIn + fanOut).
 *
 * @example
 * ```ts
 * nr.initializers.glorotNormal().apply([3, 2]);
 * ```
 */
export const glorotNormal = (): Initializer =>
  varianceScaling({ scale: 1, mode: 'fan_avg', distribution: 'truncated_normal' }, 'GlorotNormal');
/**
 * He normal: truncated normal with variance 2 / fanIn (for ReLU networks).
 *
 * @example
 * ```ts
 * nr.initializers.heNormal().apply([3, 3, 1, 8]);
 * ```
 */
export const heNormal = (): Initializer =>
  varianceScaling({ scale: 2, mode: 'fan_in', distribution: 'truncated_normal' }, 'HeNormal');
/**
 * He uniform: U(-l, l) with l = √(6 / fanIn).
 *
 * @example
 * ```ts
 * nr.initializers.heUniform().apply([3, 2]);
 * ```
 */
export const heUniform = (): Initializer =>
  varianceScaling({ scale: 2, mode: 'fan_in', distribution: 'uniform' }, 'HeUniform');
/**
 * LeCun normal: truncated normal with variance 1 / fanIn (for SELU networks).
 *
 * @example
 * ```ts
 * nr.initializers.lecunNormal().apply([3, 2]);
 * ```
 */
export const lecunNormal = (): Initializer =>
  varianceScaling({ scale: 1, mode: 'fan_in', distribution: 'truncated_normal' }, 'LecunNormal');

/**
 * All zeros (the default for biases).
 *
 * @example
 * ```ts
 * nr.initializers.zeros().apply([4]);
 * ```
 */
export const zeros = (): Initializer => ({
  className: 'Zeros',
  apply: (shape, dtype = 'float32') => fill(shape, 0, dtype),
  getConfig: () => ({}),
});
/**
 * All ones.
 *
 * @example
 * ```ts
 * nr.initializers.ones().apply([4]);
 * ```
 */
export const ones = (): Initializer => ({
  className: 'Ones',
  apply: (shape, dtype = 'float32') => fill(shape, 1, dtype),
  getConfig: () => ({}),
});
/**
 * A constant value.
 *
 * @example
 * ```ts
 * nr.initializers.constant({ value: 0.1 }).apply([4]);
 * ```
 */
export const constant = (config: { value: number }): Initializer => ({
  className: 'Constant',
  apply: (shape, dtype = 'float32') => fill(shape, config.value, dtype),
  getConfig: () => ({ value: config.value }),
});
/**
 * Normal values with a given mean and standard deviation.
 *
 * @example
 * ```ts
 * nr.initializers.randomNormal({ stddev: 0.01 }).apply([4]);
 * ```
 */
export const randomNormalInit = (config: { mean?: number; stddev?: number } = {}): Initializer => ({
  className: 'RandomNormal',
  apply: (shape, dtype = 'float32') => randomNormal(shape, config.mean ?? 0, config.stddev ?? 0.05, dtype),
  getConfig: () => ({ mean: config.mean ?? 0, stddev: config.stddev ?? 0.05, seed: null }),
});
/**
 * Uniform values in `[minval, maxval)`.
 *
 * @example
 * ```ts
 * nr.initializers.randomUniform({ minval: -0.1, maxval: 0.1 }).apply([4]);
 * ```
 */
export const randomUniformInit = (config: { minval?: number; maxval?: number } = {}): Initializer => ({
  className: 'RandomUniform',
  apply: (shape, dtype = 'float32') =>
    randomUniform(shape, config.minval ?? -0.05, config.maxval ?? 0.05, dtype),
  getConfig: () => ({ minval: config.minval ?? -0.05, maxval: config.maxval ?? 0.05, seed: null }),
});

/**
 * A (semi-)orthogonal matrix times `gain`, from the QR decomposition of a Gaussian matrix (recurrent kernels).
 * Shapes of rank > 2 are flattened to `[prod(shape[:-1]), shape[-1]]`.
 *
 * @example
 * ```ts
 * nr.initializers.orthogonal().apply([64, 64]);
 * ```
 */
export const orthogonal = (config: { gain?: number } = {}): Initializer => ({
  className: 'Orthogonal',
  apply(shape, dtype = 'float32') {
    if (shape.length < 2) throw new Error(`orthogonal: shape must have rank >= 2, got [${shape.join(', ')}]`);
    const cols = shape[shape.length - 1]!;
    const rows = shape.reduce((p, d) => p * d, 1) / cols;
    const gain = config.gain ?? 1;
    const rng = engine().rng;
    // Gram-Schmidt on the columns of a (max x min) Gaussian matrix, in float64.
    const tall = Math.max(rows, cols);
    const wide = Math.min(rows, cols);
    const q: Float64Array[] = [];
    for (let j = 0; j < wide; j++) {
      const v = new Float64Array(tall);
      for (let i = 0; i < tall; i++) v[i] = rng.normal();
      for (const u of q) {
        let dot = 0;
        for (let i = 0; i < tall; i++) dot += u[i]! * v[i]!;
        for (let i = 0; i < tall; i++) v[i]! -= dot * u[i]!;
      }
      let norm = 0;
      for (let i = 0; i < tall; i++) norm += v[i]! * v[i]!;
      norm = Math.sqrt(norm) || 1;
      for (let i = 0; i < tall; i++) v[i]! /= norm;
      q.push(v);
    }
    const out = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        // q holds `wide` orthonormal vectors of length `tall`; lay them out as columns (or rows when wide).
        out[r * cols + c] = gain * (rows >= cols ? q[c]![r]! : q[r]![c]!);
      }
    }
    return tensor(out, shape, dtype);
  },
  getConfig: () => ({ gain: config.gain ?? 1, seed: null }),
});

/**
 * Initializer names accepted wherever an initializer is expected (Keras snake_case or camelCase).
 *
 * @example
 * ```ts
 * nr.layers.dense({ units: 4, kernelInitializer: 'heNormal' });
 * ```
 */
export type InitializerName =
  | 'glorotUniform'
  | 'glorotNormal'
  | 'heNormal'
  | 'heUniform'
  | 'lecunNormal'
  | 'zeros'
  | 'ones'
  | 'randomNormal'
  | 'randomUniform'
  | 'orthogonal';

const BY_NAME: Record<string, () => Initializer> = {
  glorotuniform: glorotUniform,
  glorotnormal: glorotNormal,
  henormal: heNormal,
  heuniform: heUniform,
  lecunnormal: lecunNormal,
  zeros,
  ones,
  randomnormal: () => randomNormalInit(),
  randomuniform: () => randomUniformInit(),
  orthogonal: () => orthogonal(),
};

/**
 * The serialised form of an initializer in a saved model.
 *
 * @example
 * ```ts
 * const s: nr.SerializedInitializer = { className: 'GlorotUniform', config: {} };
 * ```
 */
export interface SerializedInitializer {
  readonly className: string;
  readonly config?: ConfigDict;
}

const num = (c: ConfigDict | undefined, k: string): number | undefined =>
  typeof c?.[k] === 'number' ? (c[k] as number) : undefined;

/**
 * Resolve an initializer given by name, as an object, or in serialised form.
 *
 * @example
 * ```ts
 * nr.initializers.getInitializer('he_normal');
 * nr.initializers.getInitializer({ className: 'Constant', config: { value: 0.5 } });
 * ```
 */
export function getInitializer(
  init: Initializer | InitializerName | string | SerializedInitializer,
  where = 'initializer',
): Initializer {
  if (typeof init === 'object' && 'apply' in init) return init;
  if (typeof init === 'object') {
    const c = init.config;
    switch (init.className) {
      case 'Constant':
        return constant({ value: num(c, 'value') ?? 0 });
      case 'RandomNormal':
        return randomNormalInit({ mean: num(c, 'mean'), stddev: num(c, 'stddev') });
      case 'RandomUniform':
        return randomUniformInit({ minval: num(c, 'minval'), maxval: num(c, 'maxval') });
      case 'Orthogonal':
        return orthogonal({ gain: num(c, 'gain') });
      case 'VarianceScaling':
        return varianceScaling({
          scale: num(c, 'scale'),
          mode: c?.mode as Mode | undefined,
          distribution: (c?.distribution === 'normal' ? 'truncated_normal' : c?.distribution) as
            | Distribution
            | undefined,
        });
      default:
        return getInitializer(init.className, where);
    }
  }
  if (typeof init !== 'string') {
    throw new Error(
      `${where}: an initializer must be a name or { className, config }, got ${JSON.stringify(init)}`,
    );
  }
  const key = init.replace(/_/g, '').toLowerCase();
  // Own keys only: 'constructor' or 'toString' must not resolve to Object.prototype's members.
  const make = Object.hasOwn(BY_NAME, key) ? BY_NAME[key] : undefined;
  if (!make) {
    throw new Error(`${where}: unknown initializer '${init}' (known: ${Object.keys(BY_NAME).join(', ')})`);
  }
  return make();
}

/**
 * The serialised form of an initializer, as saved in `model.json`.
 *
 * @example
 * ```ts
 * nr.initializers.serializeInitializer(nr.initializers.heNormal()); // { className: 'HeNormal', config: {...} }
 * ```
 */
export function serializeInitializer(init: Initializer): SerializedInitializer {
  return { className: init.className, config: init.getConfig() };
}

/**
 * An initializer given as an object, by name (`'glorotUniform'`, `'he_normal'`), or in serialised form.
 *
 * @example
 * ```ts
 * const i: nr.initializers.InitializerLike = { className: 'Constant', config: { value: 0.1 } };
 * ```
 */
export type InitializerLike = Initializer | string | SerializedInitializer;

/**
 * The serialised form of an initializer as a JSON config value, `{ className, config }`.
 *
 * @example
 * ```ts
 * nr.initializers.initializerConfig(nr.initializers.zeros()); // { className: 'Zeros', config: {} }
 * ```
 */
export function initializerConfig(init: Initializer): ConfigValue {
  const s = serializeInitializer(init);
  return { className: s.className, config: s.config ?? {} };
}
