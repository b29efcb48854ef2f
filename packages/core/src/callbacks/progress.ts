import { SingleBar } from 'cli-progress';
import type { Callback, Logs, TrainParams } from './callback.js';

const fmtNum = (v: number): string => (Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(2));

function describe(logs: Logs, keys: readonly string[]): string {
  return keys
    .filter((k) => logs[k] !== undefined)
    .map((k) => `${k} ${fmtNum(logs[k]!)}`)
    .join(' · ');
}

/**
 * Options of {@link progressBar}.
 *
 * @example
 * ```ts
 * const o: nr.ProgressBarOptions = { stream: process.stderr };
 * ```
 */
export interface ProgressBarOptions {
  /** Where to draw (default `process.stdout`). */
  stream?: NodeJS.WritableStream;
}

/**
 * A terminal progress bar for `fit` in Node (what `verbose: 1` uses): one bar per epoch with loss, metrics,
 * samples/s and ETA, then a line with the epoch's validation values.
 *
 * @example
 * ```ts
 * import { progressBar } from '@neurona/core/node';
 * await model.fit(x, y, { verbose: 0, callbacks: [progressBar()] });
 * ```
 */
export function progressBar(options: ProgressBarOptions = {}): Callback {
  const stream = options.stream ?? process.stdout;
  let params: TrainParams | undefined;
  let bar: SingleBar | null = null;
  let epochStart = 0;
  let seen = 0;
  const write = (s: string): void => {
    stream.write(`${s}\n`);
  };
  return {
    onTrainBegin(this: Callback) {
      params = this.params;
    },
    onEpochBegin(epoch: number) {
      if (!params) return;
      epochStart = performance.now();
      seen = 0;
      bar = new SingleBar({
        format: `Epoch ${epoch + 1}/${params.epochs} [{bar}] {value}/{total} | {metrics} | {rate} samples/s | ETA {eta_formatted}`,
        barCompleteChar: '=',
        barIncompleteChar: '.',
        barsize: 24,
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 50,
        stream: stream as NodeJS.WriteStream,
        noTTYOutput: true,
        notTTYSchedule: 10_000,
      });
      bar.start(params.stepsPerEpoch, 0, { metrics: '', rate: '-' });
    },
    onBatchEnd(batch: number, logs?: Logs) {
      if (!bar || !params) return;
      seen += logs?.size ?? params.batchSize;
      const seconds = (performance.now() - epochStart) / 1000;
      bar.update(batch + 1, {
        metrics: describe(logs ?? {}, params.metrics),
        rate: seconds > 0 ? Math.round(seen / seconds).toString() : '-',
      });
    },
    onEpochEnd(_epoch: number, logs?: Logs) {
      if (!params) return;
      bar?.stop();
      bar = null;
      const seconds = (performance.now() - epochStart) / 1000;
      const val = Object.keys(logs ?? {}).filter((k) => k.startsWith('val_'));
      const train = describe(logs ?? {}, params.metrics);
      write(`  ${seconds.toFixed(1)} s · ${train}${val.length ? ` · ${describe(logs ?? {}, val)}` : ''}`);
    },
  };
}
