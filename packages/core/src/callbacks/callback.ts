/**
 * Numbers reported to callbacks: `loss`, metric names, and `val_`-prefixed validation values.
 *
 * @example
 * ```ts
 * const logs: nr.Logs = { loss: 0.31, accuracy: 0.9, val_loss: 0.35 };
 * ```
 */
export type Logs = Record<string, number>;

/**
 * What a callback may read and steer of the model being trained.
 *
 * @example
 * ```ts
 * const cb: nr.Callback = { onEpochEnd(epoch, logs) { if ((logs?.loss ?? 1) < 0.01) this.model!.stopTraining = true; } };
 * ```
 */
export interface TrainingModel {
  /** Set to true to stop `fit` after the current batch. */
  stopTraining: boolean;
  getWeights(): import('../engine/tensor.js').Tensor[];
  setWeights(weights: readonly import('../engine/tensor.js').Tensor[]): void;
  readonly optimizer: { learningRate: number; setLearningRate(lr: number): void } | null;
}

/**
 * Parameters of the current `fit` run, given to `onTrainBegin`.
 *
 * @example
 * ```ts
 * const p: nr.TrainParams = { epochs: 5, initialEpoch: 0, samples: 60000, batchSize: 64, stepsPerEpoch: 938, metrics: ['loss'], verbose: 1 };
 * ```
 */
export interface TrainParams {
  readonly epochs: number;
  readonly initialEpoch: number;
  readonly samples: number;
  readonly batchSize: number;
  readonly stepsPerEpoch: number;
  readonly metrics: readonly string[];
  readonly verbose: 0 | 1 | 2;
}

/**
 * Hooks called by `fit`. Every method is optional and may return a promise, which `fit` awaits.
 * Epochs and batches are 0-based.
 *
 * @example
 * ```ts
 * await model.fit(x, y, { callbacks: [{ onEpochEnd: (epoch, logs) => console.log(epoch, logs?.loss) }] });
 * ```
 */
export interface Callback {
  /** Set by `fit` before `onTrainBegin`. */
  model?: TrainingModel;
  params?: TrainParams;
  onTrainBegin?(logs?: Logs): void | Promise<void>;
  onTrainEnd?(logs?: Logs): void | Promise<void>;
  onEpochBegin?(epoch: number, logs?: Logs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs?: Logs): void | Promise<void>;
  onBatchBegin?(batch: number, logs?: Logs): void | Promise<void>;
  onBatchEnd?(batch: number, logs?: Logs): void | Promise<void>;
}

/** @internal Calls every callback's hook in order, awaiting each. */
export class CallbackList {
  constructor(private readonly callbacks: readonly Callback[]) {}

  setContext(model: TrainingModel, params: TrainParams): void {
    for (const c of this.callbacks) {
      c.model = model;
      c.params = params;
    }
  }

  async trainBegin(logs: Logs): Promise<void> {
    for (const c of this.callbacks) await c.onTrainBegin?.(logs);
  }
  async trainEnd(logs: Logs): Promise<void> {
    for (const c of this.callbacks) await c.onTrainEnd?.(logs);
  }
  async epochBegin(epoch: number, logs: Logs): Promise<void> {
    for (const c of this.callbacks) await c.onEpochBegin?.(epoch, logs);
  }
  async epochEnd(epoch: number, logs: Logs): Promise<void> {
    for (const c of this.callbacks) await c.onEpochEnd?.(epoch, logs);
  }
  async batchBegin(batch: number, logs: Logs): Promise<void> {
    for (const c of this.callbacks) await c.onBatchBegin?.(batch, logs);
  }
  async batchEnd(batch: number, logs: Logs): Promise<void> {
    for (const c of this.callbacks) await c.onBatchEnd?.(batch, logs);
  }
}

/**
 * Per-epoch values by key: `loss` is always there (so `history.loss.at(-1)` needs no check), each metric and
 * `val_` key when it was computed.
 *
 * @example
 * ```ts
 * const h: nr.HistoryRecord = { loss: [0.7, 0.4], val_loss: [0.8, 0.5] };
 * ```
 */
export interface HistoryRecord {
  /** The training loss, one value per epoch. */
  loss: number[];
  /** Each metric (`accuracy`, ...) and validation value (`val_loss`, ...), one value per epoch. */
  [key: string]: number[];
}

/**
 * The record `fit` returns: per-epoch values of the loss and metrics, and the number of updates made.
 *
 * @example
 * ```ts
 * const h = await model.fit(x, y, { epochs: 3 });
 * console.log(h.history.loss, h.updates);
 * ```
 */
export class History implements Callback {
  /** Epoch indices that were run. */
  readonly epoch: number[] = [];
  /** Per key (`loss`, `accuracy`, `val_loss`, ...), one value per epoch. */
  readonly history: HistoryRecord = { loss: [] };
  /** Gradient-descent updates applied during this `fit`. */
  updates = 0;

  onEpochEnd(epoch: number, logs?: Logs): void {
    this.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs ?? {})) {
      this.history[k] ??= [];
      this.history[k].push(v);
    }
  }

  onBatchEnd(): void {
    this.updates++;
  }
}
