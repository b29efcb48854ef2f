import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as nr from '@neurona/core';
import { asciiArt, probabilityBars, sideBySide } from './ascii.js';
import { type BackendName, createBackend } from './backend.js';
import { CLASS_NAMES, type DatasetName, loadTest, resolveDataDir, SIDE } from './data.js';
import { decodePng, toMnistInput } from './preprocess.js';
import { formatSeconds } from './report.js';
import { printTestReport, scoreSplit } from './train.js';

/**
 * Options shared by `evaluate` and `predict`.
 *
 * @example
 * ```ts
 * const o: InferenceOptions = { backend: 'cpu', modelDir: './mnist-model' };
 * ```
 */
export interface InferenceOptions {
  readonly backend: BackendName;
  /** Folder written by `train` (`model.json`, its weights file, `mnist-cnn.json`). */
  readonly modelDir: string;
  /** Data set; defaults to the one the model was trained on (from `mnist-cnn.json`), else MNIST. */
  readonly dataset?: DatasetName;
  readonly data?: string;
  readonly log?: (line: string) => void;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Use this backend instead of creating `backend` by name. */
  readonly backendFactory?: () => nr.Backend | Promise<nr.Backend>;
}

/** Set the backend, load the model, and find which data set it was trained on. */
async function open(o: InferenceOptions): Promise<{ model: nr.Sequential; dataset: DatasetName }> {
  const dir = resolve(o.modelDir);
  if (!existsSync(join(dir, 'model.json'))) {
    throw new Error(
      `--model-dir ${dir}: no model.json there; train one first (\`npm run mnist -- --out ${o.modelDir}\`)`,
    );
  }
  await nr.setBackend(o.backendFactory ? o.backendFactory() : createBackend(o.backend));
  let trainedOn: DatasetName | undefined;
  try {
    const meta = JSON.parse(await readFile(join(dir, 'mnist-cnn.json'), 'utf8')) as { dataset?: unknown };
    if (meta.dataset === 'mnist' || meta.dataset === 'fashion') trainedOn = meta.dataset;
  } catch {
    // A model saved by another program has no mnist-cnn.json: fall back to --dataset or MNIST.
  }
  const model = await nr.loadModel(`file://${dir}`);
  if (!(model instanceof nr.Sequential)) {
    model.dispose();
    throw new Error(`--model-dir ${dir}: expected a Sequential model, got a '${model.className}' model`);
  }
  const shape = model.inputShape;
  if (shape.length !== 4 || shape[1] !== SIDE || shape[2] !== SIDE || shape[3] !== 1) {
    model.dispose();
    throw new Error(
      `--model-dir ${dir}: the model takes inputs [${shape.join(', ')}], expected [null, 28, 28, 1]`,
    );
  }
  return { model, dataset: o.dataset ?? trainedOn ?? 'mnist' };
}

/**
 * Options of {@link evaluate}.
 *
 * @example
 * ```ts
 * const o: EvaluateOptions = { backend: 'cpu', modelDir: './mnist-model', limit: 1000 };
 * ```
 */
export interface EvaluateOptions extends InferenceOptions {
  /** Evaluate on the first `limit` test images only. */
  readonly limit?: number;
}

/**
 * Load a saved model and report its test accuracy, per-class table and confusion matrix.
 *
 * @example
 * ```ts
 * const { accuracy } = await evaluate({ backend: 'cpu', modelDir: './mnist-model' });
 * ```
 */
export async function evaluate(o: EvaluateOptions): Promise<{ accuracy: number; loss: number }> {
  const log = o.log ?? console.log;
  const start = performance.now();
  const { model, dataset } = await open(o);
  try {
    const dir = resolveDataDir(dataset, o.data, o.env ?? process.env);
    const test = await loadTest(dir, o.limit);
    log(
      `Evaluating ${resolve(o.modelDir)} on ${test.n} ${dataset} test images from ${dir} (backend ${o.backend})`,
    );
    const score = await scoreSplit(model, test);
    printTestReport(log, score, dataset);
    log('');
    log(`Wall time: ${formatSeconds((performance.now() - start) / 1000)}`);
    return { accuracy: score.accuracy, loss: score.loss };
  } finally {
    model.dispose();
  }
}

/**
 * Options of {@link predict}: exactly one of `image` (a PNG file) or `index` (a test image).
 *
 * @example
 * ```ts
 * const o: PredictOptions = { backend: 'cpu', modelDir: './mnist-model', index: 0 };
 * ```
 */
export interface PredictOptions extends InferenceOptions {
  readonly image?: string;
  readonly index?: number;
}

/**
 * Classify one image (a PNG of any size, or test image `index`), printing it as ASCII art beside the class
 * probabilities. Resolves to the predicted class and the probabilities.
 *
 * @example
 * ```ts
 * const { predicted } = await predict({ backend: 'cpu', modelDir: './mnist-model', image: 'seven.png' });
 * ```
 */
export async function predict(
  o: PredictOptions,
): Promise<{ predicted: number; probabilities: Float32Array }> {
  const log = o.log ?? console.log;
  if ((o.image === undefined) === (o.index === undefined)) {
    throw new Error('predict: give exactly one of --image FILE or --index N');
  }
  let pixels: Float32Array;
  let label: number | null = null;
  let what: string;
  if (o.image !== undefined) {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(o.image);
    } catch (e) {
      throw new Error(`predict --image ${o.image}: cannot read it (${(e as Error).message})`);
    }
    const img = decodePng(bytes, o.image);
    const input = toMnistInput(img);
    pixels = input.pixels;
    const notes = [
      input.resized ? `resized from ${img.width}x${img.height}` : '',
      input.inverted ? 'inverted (light background)' : '',
    ].filter(Boolean);
    what = `${o.image}${notes.length ? ` (${notes.join(', ')})` : ''}`;
  } else {
    pixels = new Float32Array(0);
    what = '';
  }
  const { model, dataset } = await open(o);
  try {
    if (o.index !== undefined) {
      const dir = resolveDataDir(dataset, o.data, o.env ?? process.env);
      const test = await loadTest(dir);
      if (o.index < 0 || o.index >= test.n) {
        throw new Error(
          `predict --index: ${o.index} is out of range, the test set has ${test.n} images (0..${test.n - 1})`,
        );
      }
      pixels = test.images.slice(o.index * SIDE * SIDE, (o.index + 1) * SIDE * SIDE);
      label = test.labels[o.index]!;
      what = `${dataset} test image #${o.index}`;
    }
    const names = CLASS_NAMES[dataset];
    const probabilities = nr.tidy(() => model.predict(nr.tensor(pixels, [1, SIDE, SIDE, 1])));
    const probs = (await probabilities.data()) as Float32Array;
    probabilities.dispose();
    let predicted = 0;
    for (let i = 1; i < probs.length; i++) if (probs[i]! > probs[predicted]!) predicted = i;
    log(what);
    log(sideBySide(asciiArt(pixels), probabilityBars(probs, names)).join('\n'));
    const truth =
      label === null ? '' : ` (true class: ${names[label]}${label === predicted ? ', correct' : ', wrong'})`;
    log(`Predicted: ${names[predicted]} with probability ${probs[predicted]!.toFixed(3)}${truth}`);
    return { predicted, probabilities: probs };
  } finally {
    model.dispose();
  }
}
