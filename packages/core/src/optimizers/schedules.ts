import type { ConfigDict } from '../initializers/initializers.js';

/**
 * A learning rate that depends on the optimizer step: called with the number of updates applied so far
 * (`optimizer.iterations`, 0 before the first update) and returning the rate for the next update.
 * `className` and `config` describe it for serialisation.
 *
 * @example
 * ```ts
 * const s: nr.optimizers.LearningRateSchedule = nr.optimizers.exponentialDecay({
 *   initialLearningRate: 0.1, decaySteps: 100, decayRate: 0.5,
 * });
 * s(100); // 0.05
 * ```
 */
export interface LearningRateSchedule {
  (step: number): number;
  readonly config: ConfigDict;
  readonly className: string;
}

/**
 * The serialised form of a schedule (`{ className, config }`), as `getConfig` of an optimizer reports it.
 *
 * @example
 * ```ts
 * const s: nr.optimizers.SerializedSchedule = { className: 'StepDecay', config: { initialLearningRate: 0.1, dropEvery: 10, factor: 0.5 } };
 * ```
 */
export interface SerializedSchedule {
  readonly className: string;
  readonly config: ConfigDict;
}

function makeSchedule(
  className: string,
  config: ConfigDict,
  fn: (step: number) => number,
): LearningRateSchedule {
  const frozen = Object.freeze({ ...config });
  const schedule = (step: number): number => {
    if (typeof step !== 'number' || !(step >= 0)) {
      throw new Error(`${className}: step must be a number >= 0, got ${step}`);
    }
    return fn(step);
  };
  return Object.assign(schedule, { className, config: frozen });
}

function finitePositive(where: string, arg: string, v: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || !(v > 0)) {
    throw new Error(`${where}: '${arg}' must be a finite number > 0, got ${v}`);
  }
}

function finiteNonNegative(where: string, arg: string, v: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || !(v >= 0)) {
    throw new Error(`${where}: '${arg}' must be a finite number >= 0, got ${v}`);
  }
}

/**
 * Exponential decay, as Keras `ExponentialDecay`:
 * `initialLearningRate * decayRate ^ (step / decaySteps)`, with the exponent floored when `staircase`.
 *
 * @example
 * ```ts
 * const s = nr.optimizers.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.9, staircase: true });
 * s(25); // 0.1 * 0.9^2 = 0.081
 * ```
 */
export function exponentialDecay(args: {
  initialLearningRate: number;
  decaySteps: number;
  decayRate: number;
  staircase?: boolean;
}): LearningRateSchedule {
  const { initialLearningRate, decaySteps, decayRate, staircase = false } = args;
  finitePositive('exponentialDecay', 'initialLearningRate', initialLearningRate);
  finitePositive('exponentialDecay', 'decaySteps', decaySteps);
  finitePositive('exponentialDecay', 'decayRate', decayRate);
  return makeSchedule(
    'ExponentialDecay',
    { initialLearningRate, decaySteps, decayRate, staircase },
    (step) => {
      const p = step / decaySteps;
      return initialLearningRate * decayRate ** (staircase ? Math.floor(p) : p);
    },
  );
}

/**
 * Step decay: multiply the rate by `factor` every `dropEvery` steps,
 * `initialLearningRate * factor ^ floor(step / dropEvery)`.
 *
 * @example
 * ```ts
 * const s = nr.optimizers.stepDecay({ initialLearningRate: 0.1, dropEvery: 10, factor: 0.5 });
 * s(9);  // 0.1
 * s(10); // 0.05
 * ```
 */
export function stepDecay(args: {
  initialLearningRate: number;
  dropEvery: number;
  factor: number;
}): LearningRateSchedule {
  const { initialLearningRate, dropEvery, factor } = args;
  finitePositive('stepDecay', 'initialLearningRate', initialLearningRate);
  if (!Number.isInteger(dropEvery) || dropEvery < 1) {
    throw new Error(`stepDecay: 'dropEvery' must be an integer >= 1, got ${dropEvery}`);
  }
  finitePositive('stepDecay', 'factor', factor);
  return makeSchedule(
    'StepDecay',
    { initialLearningRate, dropEvery, factor },
    (step) => initialLearningRate * factor ** Math.floor(step / dropEvery),
  );
}

/**
 * Piecewise constant rate, as Keras `PiecewiseConstantDecay`: `values[0]` while `step <= boundaries[0]`,
 * `values[i]` while `boundaries[i-1] < step <= boundaries[i]`, and the last value after the last boundary.
 *
 * @example
 * ```ts
 * const s = nr.optimizers.piecewiseConstantDecay({ boundaries: [100, 200], values: [0.1, 0.01, 0.001] });
 * s(100); // 0.1
 * s(101); // 0.01
 * ```
 */
export function piecewiseConstantDecay(args: {
  boundaries: readonly number[];
  values: readonly number[];
}): LearningRateSchedule {
  const boundaries = [...args.boundaries];
  const values = [...args.values];
  if (values.length !== boundaries.length + 1) {
    throw new Error(
      `piecewiseConstantDecay: expected boundaries.length + 1 = ${boundaries.length + 1} values, got ${values.length}`,
    );
  }
  boundaries.forEach((b, i) => {
    if (!Number.isFinite(b) || (i > 0 && !(b > boundaries[i - 1]!))) {
      throw new Error(
        `piecewiseConstantDecay: boundaries must be finite and strictly increasing, got [${boundaries.join(', ')}]`,
      );
    }
  });
  values.forEach((v, i) => {
    finiteNonNegative('piecewiseConstantDecay', `values[${i}]`, v);
  });
  return makeSchedule('PiecewiseConstantDecay', { boundaries, values }, (step) => {
    for (let i = 0; i < boundaries.length; i++) if (step <= boundaries[i]!) return values[i]!;
    return values[values.length - 1]!;
  });
}

/**
 * Cosine decay, as Keras `CosineDecay`: after an optional linear warm-up from 0 to `initialLearningRate`
 * over `warmupSteps` steps, the rate follows half a cosine from `initialLearningRate` down to
 * `alpha * initialLearningRate` over `decaySteps` steps, then stays there.
 * (Keras warms up from `initial_learning_rate` to a separate `warmup_target`; here the warm-up target is
 * `initialLearningRate` itself.)
 *
 * @example
 * ```ts
 * const s = nr.optimizers.cosineDecay({ initialLearningRate: 0.1, decaySteps: 100 });
 * s(50); // 0.05
 * ```
 */
export function cosineDecay(args: {
  initialLearningRate: number;
  decaySteps: number;
  alpha?: number;
  warmupSteps?: number;
}): LearningRateSchedule {
  const { initialLearningRate, decaySteps, alpha = 0, warmupSteps = 0 } = args;
  finitePositive('cosineDecay', 'initialLearningRate', initialLearningRate);
  finitePositive('cosineDecay', 'decaySteps', decaySteps);
  if (!(alpha >= 0 && alpha <= 1)) throw new Error(`cosineDecay: 'alpha' must be in [0, 1], got ${alpha}`);
  finiteNonNegative('cosineDecay', 'warmupSteps', warmupSteps);
  return makeSchedule('CosineDecay', { initialLearningRate, decaySteps, alpha, warmupSteps }, (step) => {
    if (step < warmupSteps) return (initialLearningRate * step) / warmupSteps;
    const fraction = Math.min(step - warmupSteps, decaySteps) / decaySteps;
    const cosine = 0.5 * (1 + Math.cos(Math.PI * fraction));
    return initialLearningRate * ((1 - alpha) * cosine + alpha);
  });
}

const num = (c: ConfigDict, k: string): number => c[k] as number;

/**
 * Rebuild a schedule from its serialised form (`{ className, config }`); unknown class names throw with
 * the list of known ones.
 *
 * @example
 * ```ts
 * const s = nr.optimizers.deserializeSchedule({ className: 'StepDecay', config: { initialLearningRate: 0.1, dropEvery: 10, factor: 0.5 } });
 * ```
 */
export function deserializeSchedule(s: SerializedSchedule): LearningRateSchedule {
  const c = s.config ?? {};
  switch (s.className) {
    case 'ExponentialDecay':
      return exponentialDecay({
        initialLearningRate: num(c, 'initialLearningRate'),
        decaySteps: num(c, 'decaySteps'),
        decayRate: num(c, 'decayRate'),
        staircase: c.staircase === true,
      });
    case 'StepDecay':
      return stepDecay({
        initialLearningRate: num(c, 'initialLearningRate'),
        dropEvery: num(c, 'dropEvery'),
        factor: num(c, 'factor'),
      });
    case 'PiecewiseConstantDecay':
      return piecewiseConstantDecay({
        boundaries: (c.boundaries ?? []) as number[],
        values: (c.values ?? []) as number[],
      });
    case 'CosineDecay':
      return cosineDecay({
        initialLearningRate: num(c, 'initialLearningRate'),
        decaySteps: num(c, 'decaySteps'),
        alpha: (c.alpha as number | undefined) ?? 0,
        warmupSteps: (c.warmupSteps as number | undefined) ?? 0,
      });
    default:
      throw new Error(
        `deserializeSchedule: unknown schedule '${s.className}' (known: ExponentialDecay, StepDecay, PiecewiseConstantDecay, CosineDecay)`,
      );
  }
}
