import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as nr from '@neurona/core';
import { type BackendName, createBackend } from './backend.js';
import { trainingCurvesSvg } from './chart.js';
import { CLASS_NAMES, type DatasetName, loadTest, readIdxSplit, resolveDataDir, splitFiles } from './data.js';
import { buildModel, compileForTraining, type ModelName } from './models.js';
import { type ConfusionMatrix, formatConfusion, formatPerClass, formatSeconds } from './report.js';
import { scoreSplit } from './score.js';
import { idxTensors, type SplitTensors } from './split-tensors.js';

export { scoreSplit } from './score.js';

/**
 * Everything `train` needs; the CLI fills it from its options (see `program.ts` for the defaults).
 *
 * @example
 * ```ts
 * const o: TrainOptions = { backend: 'cpu', model: 'small', epochs: 1, batchSize: 32, seed: 1, validationSize: 0,
 *   out: './mnist-model', dataset: 'mnist' };
 * ```
 */
export interface TrainOptions {
  readonly backend: BackendName;
  readonly model: ModelName;
  readonly epochs: number;
  readonly batchSize: number;
  readonly seed: number;
  /** Adam's initial learning rate (default: the model's); it follows a cosine decay to 5% over the run. */
  readonly learningRate?: number;
  /** Examples held out from the end of the training set for per-epoch validation (at most a tenth of it). */
  readonly validationSize: number;
  readonly out: string;
  readonly dataset: DatasetName;
  readonly data?: string;
  /** Train on the first `limit` training examples only. */
  readonly limit?: number;
  /** Test on the first `testLimit` test examples only. */
  readonly testLimit?: number;
  /** 1: a progress bar per epoch (default); 2: one line per epoch; 0: silent training. */
  readonly verbose?: 0 | 1 | 2;
  /** Where report lines go (default `console.log`). */
  readonly log?: (line: string) => void;
  /** Environment to read `MNIST_DIR` from (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Use this backend instead of creating `backend` by name (for programs that configure their own). */
  readonly backendFactory?: () => nr.Backend | Promise<nr.Backend>;
}

/**
 * What a `train` run produced.
 *
 * @example
 * ```ts
 * const r = await train(options);
 * console.log(r.testAccuracy, r.savedTo);
 * ```
 */
export interface TrainResult {
  readonly testAccuracy: number;
  readonly testLoss: number;
  readonly confusion: ConfusionMatrix;
  readonly history: Readonly<Record<string, readonly number[]>>;
  readonly seconds: number;
  readonly savedTo: string;
}

/**
 * Print the test report: accuracy and loss, the per-class table and the confusion matrix.
 *
 * @example
 * ```ts
 * printTestReport(console.log, score, 'mnist');
 * ```
 */
export function printTestReport(
  log: (line: string) => void,
  score: { accuracy: number; loss: number; confusion: ConfusionMatrix },
  dataset: DatasetName,
): void {
  const n = score.confusion.counts.reduce((a, b) => a + b, 0);
  const names = CLASS_NAMES[dataset];
  log('');
  log(
    `Test accuracy: ${(100 * score.accuracy).toFixed(2)}% on ${n} test images (loss ${score.loss.toFixed(4)})`,
  );
  log('');
  log(formatPerClass(score.confusion, names));
  log('');
  log('Confusion matrix (rows: true class, columns: predicted class)');
  log(formatConfusion(score.confusion, names));
}

/**
 * Train a CNN on MNIST (or Fashion-MNIST), report validation after each epoch and the test results at the
 * end, and save the model, `training-curves.svg` and `mnist-cnn.json` (run settings and scores) into `out`.
 *
 * @example
 * ```ts
 * const r = await train({ backend: 'cpu', model: 'small', epochs: 1, batchSize: 32, seed: 1, validationSize: 5000,
 *   out: './mnist-model', dataset: 'mnist' });
 * ```
 */
export async function train(o: TrainOptions): Promise<TrainResult> {
  const log = o.log ?? console.log;
  const start = performance.now();
  await nr.setBackend(o.backendFactory ? o.backendFactory() : createBackend(o.backend));
  const dir = resolveDataDir(o.dataset, o.data, o.env ?? process.env);
  splitFiles(dir, 't10k'); // A missing test file fails now, not after training; the split is read after fit.
  const { x, y, xv, yv, nVal } = await trainingTensors(dir, o);
  log(
    `Data: ${o.dataset} from ${dir}: ${x.shape[0]} training, ${nVal} validation images ` +
      `(loaded in ${formatSeconds((performance.now() - start) / 1000)}; the test images are read after training)`,
  );

  nr.seed(o.seed);
  const model = buildModel(o.model);
  try {
    const learningRate = compileForTraining(model, o.model, {
      steps: o.epochs * Math.ceil(x.shape[0]! / o.batchSize),
      learningRate: o.learningRate,
    });
    log(
      `Model: ${o.model} (${model.countParams().toLocaleString('en-US')} weights) on backend ${o.backend}; ` +
        `${o.epochs} epoch(s), batch size ${o.batchSize}, Adam lr ${learningRate} with cosine decay, seed ${o.seed}`,
    );

    let history: nr.History;
    try {
      history = await model.fit(x, y, {
        epochs: o.epochs,
        batchSize: o.batchSize,
        validationData: xv && yv ? [xv, yv] : undefined,
        verbose: o.verbose ?? 1,
      });
    } finally {
      nr.dispose([x, y, ...(xv ? [xv] : []), ...(yv ? [yv] : [])]);
    }

    const test = await loadTest(dir, o.testLimit);
    const score = await scoreSplit(model, test);
    printTestReport(log, score, o.dataset);

    const out = resolve(o.out);
    await mkdir(out, { recursive: true });
    await model.save(`file://${out}`);
    const title = `${o.dataset} · ${o.model} · ${o.epochs} epoch(s) · test accuracy ${(100 * score.accuracy).toFixed(2)}%`;
    await writeFile(join(out, 'training-curves.svg'), trainingCurvesSvg(history.history, title));
    const seconds = (performance.now() - start) / 1000;
    const meta = {
      dataset: o.dataset,
      model: o.model,
      backend: o.backend,
      epochs: o.epochs,
      batchSize: o.batchSize,
      learningRate,
      seed: o.seed,
      trainingExamples: x.shape[0]!,
      validationExamples: nVal,
      testExamples: test.n,
      testAccuracy: score.accuracy,
      testLoss: score.loss,
      wallSeconds: Number(seconds.toFixed(1)),
      history: history.history,
      date: new Date().toISOString(),
    };
    await writeFile(join(out, 'mnist-cnn.json'), `${JSON.stringify(meta, null, 2)}\n`);
    log('');
    log(`Wall time: ${formatSeconds(seconds)}`);
    log(`Saved model: ${join(out, 'model.json')} (+ its weights file)`);
    log(`Training curves: ${join(out, 'training-curves.svg')}`);
    return {
      testAccuracy: score.accuracy,
      testLoss: score.loss,
      confusion: score.confusion,
      history: history.history,
      seconds,
      savedTo: out,
    };
  } finally {
    nr.dispose([x, y, ...(xv ? [xv] : []), ...(yv ? [yv] : [])]); // (already freed after a normal fit)
    model.dispose();
  }
}

/**
 * The training and validation tensors, decoded from the IDX bytes split by split (see {@link idxTensors}):
 * no float32 array of the whole training set is kept (or even made), so training holds the data once, as
 * tensors, next to the bytes of the file (a quarter of their size) while this runs.
 */
async function trainingTensors(
  dir: string,
  o: TrainOptions,
): Promise<{ x: nr.Tensor; y: nr.Tensor; xv: nr.Tensor | null; yv: nr.Tensor | null; nVal: number }> {
  const raw = await readIdxSplit(dir, 'train', o.limit);
  const nVal = Math.min(o.validationSize, Math.floor(raw.n / 10));
  const fit = idxTensors(raw.images, raw.labels, 0, raw.n - nVal, raw.name);
  let val: SplitTensors | null = null;
  try {
    if (nVal > 0) val = idxTensors(raw.images, raw.labels, raw.n - nVal, nVal, raw.name);
  } catch (e) {
    nr.dispose([fit.x, fit.y]);
    throw e;
  }
  return { x: fit.x, y: fit.y, xv: val?.x ?? null, yv: val?.y ?? null, nVal };
}
