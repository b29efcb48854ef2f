/**
 * What loading a (mutated) model folder does, in the categories: a clean error (a plain `Error` whose
 * message names the field), a vague one (an `Error` that names no field), an ugly one (a TypeError, RangeError
 * or a thrown non-Error), a consistent load (predicts what the clean file predicts, or what tfjs-layers 4.22
 * predicts from the same mutated file), a silently wrong load, a load that cannot predict, a hang, a tensor
 * leak, a change to `Object.prototype`.
 */
import { Worker } from 'node:worker_threads';
import * as nr from '../../src/index.js';
import { toModelJson } from '../../src/io/model-json.js';
import { normalizeTopology } from '../../src/io/normalize.js';
import type { JsonValue, ModelArtifacts, WeightSpec } from '../../src/io/types.js';

/** The categories a load falls in. */
export type Outcome =
  | 'clean'
  | 'vague'
  | 'ugly'
  | 'consistent'
  | 'silentlyWrong'
  | 'cannotRun'
  | 'hang'
  | 'leak'
  | 'pollution';

/** The two files of a model folder. */
export interface Folder {
  json: Uint8Array;
  weights: Uint8Array;
}

/** What a clean load predicts: the input shapes used and every output, flat. */
export interface Reference {
  shapes: number[][];
  outputs: { shape: number[]; data: Float32Array }[];
}

const URL_BASE = 'http://fuzz.invalid/m/';

/** A field path a message must name: a top-level key of `model.json`, or the JSON text itself. */
const FIELD =
  /\b(modelTopology|weightsManifest|trainingConfig|weightSpecs|weightData|format)\b|is not valid JSON/;

/** Load the folder through the HTTP handler (the `model.json` text is parsed by `Response.json()`). */
export function loadFolder(f: Folder): Promise<nr.LayersModel> {
  const fetchFake = async (url: string | URL | Request): Promise<Response> => {
    const u = String(url);
    if (u === `${URL_BASE}model.json`) return new Response(f.json.slice());
    if (u === `${URL_BASE}weights.bin`) return new Response(f.weights.slice());
    return new Response('not found', { status: 404, statusText: 'Not Found' });
  };
  return nr.loadModel(nr.io.http(`${URL_BASE}model.json`, { fetch: fetchFake as typeof fetch }));
}

/** Deterministic inputs for the given shapes (values in [-1, 1)). */
function inputData(shape: number[], k: number): Float32Array {
  const rng = new nr.Rng(1000 + k);
  const d = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < d.length; i++) d[i] = rng.uniform() * 2 - 1;
  return d;
}

/** The input shapes to predict on: batch 2, unknown dimensions 3; null when too large to try. */
function inputShapes(model: nr.LayersModel): number[][] | null {
  const shapes = model.inputs.map((t) => t.shape.map((d, i) => (i === 0 ? 2 : (d ?? 3))));
  const ok = shapes.every(
    (s) => s.every((d) => Number.isInteger(d) && d >= 0) && s.reduce((a, b) => a * b, 1) <= 1e6,
  );
  return ok ? shapes : null;
}

async function predictOurs(model: nr.LayersModel, shapes: number[][]): Promise<Reference['outputs']> {
  const xs = shapes.map((s, k) => nr.tensor(inputData(s, k), s));
  try {
    const y = model.predict(xs.length === 1 ? xs[0]! : xs);
    const ys = Array.isArray(y) ? y : [y];
    const out = await Promise.all(
      ys.map(async (t) => ({ shape: [...t.shape], data: Float32Array.from(await t.data()) })),
    );
    nr.dispose(ys);
    return out;
  } finally {
    nr.dispose(xs);
  }
}

/** Load the clean folder and record its predictions. */
export async function reference(f: Folder): Promise<Reference> {
  const model = await loadFolder(f);
  const shapes = inputShapes(model)!;
  const outputs = await predictOurs(model, shapes);
  model.dispose();
  return { shapes, outputs };
}

const same = (a: Reference['outputs'], b: Reference['outputs'], tol: number): boolean =>
  a.length === b.length &&
  a.every(
    (o, i) =>
      o.shape.join() === b[i]!.shape.join() &&
      o.data.every((v, j) => {
        const w = b[i]!.data[j]!;
        return Object.is(v, w) || Math.abs(v - w) <= tol * (1 + Math.abs(w));
      }),
  );

type Outputs = Reference['outputs'];
let oracle: { worker: Worker; ready: Promise<unknown> } | null = null;
let nextId = 0;

/** The tfjs-layers worker (`tfjs-oracle.mjs`, or the file `NEURONA_TFJS_ORACLE` names when bundled elsewhere). */
function tfjsWorker(): { worker: Worker; ready: Promise<unknown> } {
  if (oracle) return oracle;
  const worker = new Worker(process.env.NEURONA_TFJS_ORACLE ?? new URL('./tfjs-oracle.mjs', import.meta.url));
  worker.unref();
  const ready = new Promise((resolve) => worker.once('message', resolve));
  oracle = { worker, ready };
  return oracle;
}

/** End the tfjs-layers worker (tests call it when they are done). */
export function stopTfjs(): void {
  void oracle?.worker.terminate();
  oracle = null;
}

/**
 * What tfjs-layers 4.22 predicts from the same (mutated) folder, or null when it refuses the file or has not
 * answered within `timeoutMs` (some malformed files make it loop; its worker is then replaced).
 */
async function predictTheirs(f: Folder, shapes: number[][], timeoutMs = 5000): Promise<Outputs | null> {
  let artifacts: ModelArtifacts;
  try {
    const doc = JSON.parse(new TextDecoder().decode(f.json)) as { [k: string]: JsonValue };
    const groups = doc.weightsManifest as unknown as { weights: WeightSpec[] }[];
    artifacts = {
      modelTopology: doc.modelTopology as { [k: string]: JsonValue },
      weightSpecs: groups.flatMap((g) => g.weights),
      weightData: f.weights.slice().buffer,
    };
  } catch {
    return null;
  }
  const o = tfjsWorker();
  await o.ready;
  const id = nextId++;
  const inputs = shapes.map((shape, k) => ({ shape, data: inputData(shape, k) }));
  return new Promise((resolve) => {
    const done = (outputs: Outputs | null) => {
      clearTimeout(timer);
      o.worker.off('message', onMessage);
      resolve(outputs);
    };
    const onMessage = (m: { id?: number; outputs?: Outputs | null }) => {
      if (m.id === id) done(m.outputs ?? null);
    };
    const timer = setTimeout(() => {
      stopTfjs();
      done(null);
    }, timeoutMs);
    o.worker.on('message', onMessage);
    o.worker.postMessage({ id, artifacts, inputs });
  });
}

type Layer = { class_name: string; config: { [k: string]: JsonValue } };

/**
 * Whether our re-saved value `w` says what the file's `v` says: null (the default) matches anything, objects
 * by the keys both have, a size `3` matches `[3, 3]`.
 */
function sameMeaning(v: JsonValue, w: JsonValue): boolean {
  if (v === null || v === w) return true;
  if (typeof v === 'number' && Array.isArray(w)) return w.every((x) => x === v);
  if (Array.isArray(v))
    return Array.isArray(w) && v.length === w.length && v.every((x, i) => sameMeaning(x, w[i]!));
  if (typeof v === 'object' && w !== null && typeof w === 'object' && !Array.isArray(w)) {
    return Object.entries(v).every(([k, x]) => w[k] === undefined || sameMeaning(x, w[k]!));
  }
  return false;
}

/** Fields of `file`'s layer configs that `ours` (our re-saved topology) states differently, nested models included. */
function changedFields(file: Layer, ours: Layer, path: string, out: string[]): void {
  const fl = file.config.layers;
  const ol = ours.config.layers;
  if (Array.isArray(fl) && Array.isArray(ol)) {
    if (fl.length !== ol.length) out.push(`${path}.layers (${fl.length} vs ${ol.length})`);
    else
      for (const [i, l] of fl.entries())
        changedFields(l as Layer, ol[i] as Layer, `${path}.layers[${i}]`, out);
    return;
  }
  for (const [k, v] of Object.entries(file.config)) {
    if (k.endsWith('_initializer')) continue; // the file's weights replace whatever an initializer made
    const w = ours.config[k];
    if (w !== undefined && !sameMeaning(v, w)) out.push(`${path}.${k}`);
  }
}

/**
 * For a file tfjs-layers reads differently: whether our model keeps every field the file states (our re-saved
 * topology has the same values), and tfjs-layers, reading our re-saved model, predicts what we predict. Then
 * the difference can only come from a field the file leaves out, whose default the two libraries choose
 * differently (recurrent_activation: Keras 3's 'sigmoid' here, 'hard_sigmoid' in tfjs-layers).
 */
async function resavedAgrees(
  model: nr.LayersModel,
  f: Folder,
  shapes: number[][],
  ours: Reference['outputs'],
): Promise<string | null> {
  const h = nr.io.memory();
  await model.save(h);
  const doc = JSON.parse(new TextDecoder().decode(f.json)) as { modelTopology: JsonValue };
  const changed: string[] = [];
  changedFields(
    normalizeTopology(doc.modelTopology) as unknown as Layer,
    normalizeTopology(h.artifacts!.modelTopology) as unknown as Layer,
    'config',
    changed,
  );
  if (changed.length) return `fields read differently: ${changed.join(', ')}`;
  const json = new TextEncoder().encode(JSON.stringify(toModelJson(h.artifacts!, ['weights.bin'])));
  const theirs = await predictTheirs({ json, weights: new Uint8Array(h.artifacts!.weightData) }, shapes);
  return theirs && same(ours, theirs, 1e-4)
    ? null
    : 'tfjs-layers predicts differently from our re-saved model';
}

/** A fingerprint of `Object.prototype` and `Array.prototype` (their own keys and values). */
export function prototypeFingerprint(): string {
  const keys = (o: object) =>
    Reflect.ownKeys(o)
      .map((k) => `${String(k)}:${typeof (o as Record<PropertyKey, unknown>)[k]}`)
      .sort()
      .join(',');
  return `${keys(Object.prototype)}|${keys(Array.prototype)}|${Object.getPrototypeOf(Object.prototype)}`;
}

/** Phrases of JavaScript's own errors: a message carrying one says where the loader broke, not what is wrong. */
const INTERNAL =
  /Cannot read propert|is not a function|is not iterable|Invalid typed array length|Maximum call stack|undefined \(reading|Invalid array length/;

/** How an error reads: which category and a one-line description. */
export function classifyError(e: unknown): { outcome: Outcome; detail: string } {
  if (!(e instanceof Error)) return { outcome: 'ugly', detail: `non-Error thrown: ${String(e)}` };
  const detail = `${e.constructor.name}: ${e.message.slice(0, 300)}`;
  if (e.constructor !== Error) return { outcome: 'ugly', detail };
  const named = FIELD.test(e.message.replace(URL_BASE, '')) && !INTERNAL.test(e.message);
  return { outcome: named ? 'clean' : 'vague', detail };
}

/** Load `f`, predict, and compare with the clean load's `ref` (then tfjs-layers, for a changed prediction). */
export async function outcomeOf(
  f: Folder,
  ref: Reference,
  hangMs = 5000,
): Promise<{ outcome: Outcome; detail: string }> {
  const proto = prototypeFingerprint();
  const tensors = nr.memory().numTensors;
  const t0 = performance.now();
  let result: { outcome: Outcome; detail: string };
  let model: nr.LayersModel | null = null;
  let ms = 0;
  try {
    model = await loadFolder(f);
  } catch (e) {
    result = classifyError(e);
    ms = performance.now() - t0;
  }
  if (model) {
    const shapes = inputShapes(model);
    try {
      if (!shapes) throw new Error('the loaded model takes inputs too large to try');
      const ours = await predictOurs(model, shapes);
      ms = performance.now() - t0; // tfjs-layers' time below is not the loader's
      const sameShapes =
        shapes.length === ref.shapes.length && shapes.every((s, i) => s.join() === ref.shapes[i]!.join());
      if (sameShapes && same(ours, ref.outputs, 0))
        result = { outcome: 'consistent', detail: 'as the clean file' };
      else {
        const theirs = await predictTheirs(f, shapes);
        const differs =
          theirs && same(ours, theirs, 1e-4) ? null : await resavedAgrees(model, f, shapes, ours);
        result = !differs
          ? {
              outcome: 'consistent',
              detail: theirs ? 'as tfjs-layers reads the mutated file' : 'as the fields the file states mean',
            }
          : {
              outcome: 'silentlyWrong',
              detail: `${theirs ? 'predicts differently from tfjs-layers' : 'tfjs-layers refuses this file'}; ${differs}`,
            };
      }
    } catch (e) {
      result = { outcome: 'cannotRun', detail: classifyError(e).detail };
    } finally {
      model.dispose();
    }
  }
  if (ms === 0) ms = performance.now() - t0;
  if (ms > hangMs) return { outcome: 'hang', detail: `${ms.toFixed(0)} ms: ${result!.detail}` };
  if (prototypeFingerprint() !== proto) return { outcome: 'pollution', detail: result!.detail };
  if (nr.memory().numTensors !== tensors) {
    return { outcome: 'leak', detail: `${nr.memory().numTensors - tensors} tensors: ${result!.detail}` };
  }
  return result!;
}

/** Whether tfjs-layers 4.22, loading the folder, predicts what `ref` records (to 1e-4). */
export async function tfjsPredicts(f: Folder, ref: Reference): Promise<boolean> {
  const theirs = await predictTheirs(f, ref.shapes);
  return theirs !== null && same(ref.outputs, theirs, 1e-4);
}
