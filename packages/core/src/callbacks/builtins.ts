import type { Tensor } from '../engine/tensor.js';
import type { Callback, Logs } from './callback.js';

/**
 * Options of {@link earlyStopping}.
 *
 * @example
 * ```ts
 * const o: nr.EarlyStoppingArgs = { monitor: 'val_loss', patience: 3, restoreBestWeights: true };
 * ```
 */
export interface EarlyStoppingArgs {
  /** Logged value to watch (default `'val_loss'`). */
  monitor?: string;
  /** Smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /** Epochs without improvement before stopping (default 0). */
  patience?: number;
  /** Whether lower or higher is better; `'auto'` picks max for accuracy-like names (default). */
  mode?: 'auto' | 'min' | 'max';
  /** Stop unless the value beats this baseline. */
  baseline?: number;
  /** Put back the weights of the best epoch when stopping or at the end of training. */
  restoreBestWeights?: boolean;
}

/**
 * Stop training when a monitored value stops improving.
 *
 * @example
 * ```ts
 * await model.fit(x, y, { epochs: 100, validationSplit: 0.2, callbacks: [nr.callbacks.earlyStopping({ patience: 5, restoreBestWeights: true })] });
 * ```
 */
export function earlyStopping(
  args: EarlyStoppingArgs = {},
): Callback & { stoppedEpoch: number; bestEpoch: number } {
  const monitor = args.monitor ?? 'val_loss';
  const minDelta = Math.abs(args.minDelta ?? 0);
  const patience = args.patience ?? 0;
  const mode = args.mode ?? 'auto';
  const higherIsBetter = mode === 'max' || (mode === 'auto' && /acc|precision|recall|auc/.test(monitor));
  let best = Number.NaN;
  let wait = 0;
  let bestWeights: Tensor[] | null = null;
  const improved = (v: number, ref: number): boolean =>
    Number.isNaN(ref) ? true : higherIsBetter ? v - minDelta > ref : v + minDelta < ref;
  const dropBest = (): void => {
    for (const t of bestWeights ?? []) t.dispose();
    bestWeights = null;
  };
  const cb = {
    stoppedEpoch: -1,
    bestEpoch: -1,
    onTrainBegin() {
      best = args.baseline ?? Number.NaN;
      wait = 0;
      cb.stoppedEpoch = -1;
      cb.bestEpoch = -1;
      dropBest();
    },
    onEpochEnd(this: Callback, epoch: number, logs?: Logs) {
      const v = logs?.[monitor];
      if (v === undefined) {
        throw new Error(
          `earlyStopping: monitored value '${monitor}' is not in the logs (available: ${Object.keys(logs ?? {}).join(', ')})`,
        );
      }
      if (improved(v, best)) {
        best = v;
        wait = 0;
        cb.bestEpoch = epoch;
        if (args.restoreBestWeights && this.model) {
          dropBest();
          bestWeights = this.model.getWeights();
        }
        return;
      }
      wait++;
      if (wait > patience && this.model) {
        cb.stoppedEpoch = epoch;
        this.model.stopTraining = true;
      }
    },
    onTrainEnd(this: Callback) {
      if (args.restoreBestWeights && bestWeights && this.model) this.model.setWeights(bestWeights);
      dropBest();
    },
  };
  return cb;
}

/**
 * Set the learning rate at the start of each epoch from `schedule(epoch, currentRate)`.
 *
 * @example
 * ```ts
 * nr.callbacks.learningRateScheduler((epoch, lr) => (epoch < 5 ? lr : lr * 0.9));
 * ```
 */
export function learningRateScheduler(schedule: (epoch: number, lr: number) => number): Callback {
  return {
    onEpochBegin(this: Callback, epoch: number) {
      const opt = this.model?.optimizer;
      if (!opt) throw new Error('learningRateScheduler: the model has no optimizer (call compile first)');
      const lr = schedule(epoch, opt.learningRate);
      if (!(lr > 0) || !Number.isFinite(lr)) {
        throw new Error(
          `learningRateScheduler: schedule returned ${lr} for epoch ${epoch}; expected a finite number > 0`,
        );
      }
      opt.setLearningRate(lr);
    },
    onEpochEnd(_epoch: number, logs?: Logs) {
      const opt = this.model?.optimizer;
      if (logs && opt) logs.lr = opt.learningRate;
    },
  };
}

/**
 * Stop training as soon as the loss becomes NaN or infinite.
 *
 * @example
 * ```ts
 * await model.fit(x, y, { callbacks: [nr.callbacks.terminateOnNaN()] });
 * ```
 */
export function terminateOnNaN(): Callback & { terminatedAtBatch: number } {
  const cb = {
    terminatedAtBatch: -1,
    onBatchEnd(this: Callback, batch: number, logs?: Logs) {
      const loss = logs?.loss;
      if (loss !== undefined && !Number.isFinite(loss) && this.model) {
        cb.terminatedAtBatch = batch;
        this.model.stopTraining = true;
      }
    },
  };
  return cb;
}
