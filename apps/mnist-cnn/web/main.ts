/**
 * The MNIST CNN demo page: a second front end over the app's code (its models, IDX parser, scoring and chart).
 * Training runs in a Web Worker through `fitInWorker`, so the page keeps drawing while the network learns.
 * Settings can be preset in the URL (`?backend=wasm&model=lenet&train=3000&test=1000&epochs=1&batch=16`).
 *
 * @packageDocumentation
 */
import * as nr from '@neurona/core';
import { SIDE, type Split } from '../src/dataset.js';
import { buildModel, compileForTraining, type ModelName } from '../src/models.js';
import { scoreSplit } from '../src/score.js';
import { WEB_BACKENDS, type WebBackendName } from './backends.js';
import { DigitCanvas } from './digit-canvas.js';
import { LiveChart } from './live-chart.js';
import { fetchSplit } from './mnist-fetch.js';

const STORE = 'indexeddb://mnist-cnn-demo';
const DATA = new URL('data/', location.href);

const el = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const e = document.getElementById(id);
  if (!e) throw new Error(`MNIST page: no element #${id}`);
  return e as T;
};
const form = el<HTMLFormElement>('settings');
const status = el('status');
const chart = new LiveChart(el('chart'));

let model: nr.Sequential | null = null;
let run: nr.FitInWorkerRun | null = null;
const backends = new Map<WebBackendName, nr.Backend>();
let activeBackend: WebBackendName | null = null;
const splits = new Map<string, Promise<Split>>();

/** Preset the form from the URL's query. */
for (const [key, value] of new URL(location.href).searchParams) {
  const field = form.elements.namedItem(key);
  if (field instanceof HTMLInputElement) field.value = value;
  else if (field instanceof HTMLSelectElement) {
    if (!Array.from(field.options).some((o) => o.value === value)) field.add(new Option(value, value));
    field.value = value;
  }
}

function setting(name: string): string {
  return (form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement).value;
}

function say(text: string, error = false): void {
  status.textContent = text;
  status.classList.toggle('error', error);
}

function setState(state: 'idle' | 'loading' | 'training' | 'scoring' | 'trained' | 'error'): void {
  document.body.dataset.state = state;
  const busy = state === 'loading' || state === 'training' || state === 'scoring';
  el<HTMLButtonElement>('train').disabled = busy;
  el<HTMLButtonElement>('stop').disabled = state !== 'training';
  el<HTMLButtonElement>('load').disabled = busy;
  el<HTMLButtonElement>('save').disabled = busy || model === null;
  for (const f of Array.from(form.elements)) (f as HTMLInputElement).disabled = busy;
}

/** Yield to the browser so it can paint (between scoring batches). */
const pause = (): Promise<void> => new Promise((ok) => setTimeout(ok, 0));

function split(prefix: 'train' | 't10k', limit: number): Promise<Split> {
  const key = `${prefix}:${limit}`;
  let s = splits.get(key);
  if (!s) {
    s = fetchSplit(DATA, prefix, limit);
    s.catch(() => splits.delete(key));
    splits.set(key, s);
  }
  return s;
}

/** Whether the page may share memory with workers (COOP/COEP headers), which the CPU backend's threads need. */
function isolation(): string {
  return globalThis.crossOriginIsolated
    ? `cross-origin isolated: the CPU backend uses up to ${navigator.hardwareConcurrency} threads`
    : 'not cross-origin isolated (no COOP/COEP headers): the CPU backend runs on one thread';
}

/** Make `name` the page's backend; a model already in memory moves with it (through its saved artifacts). */
async function useBackend(name: WebBackendName): Promise<void> {
  if (activeBackend === name) return;
  let saved: nr.io.ModelArtifacts | null = null;
  if (model) {
    const h = nr.io.memory();
    await model.save(h);
    saved = h.artifacts;
    model.dispose();
    model = null;
  }
  let be = backends.get(name);
  if (!be) {
    be = await WEB_BACKENDS[name]();
    backends.set(name, be);
  }
  await nr.setBackend(be);
  activeBackend = name;
  if (saved) model = (await nr.loadModel(nr.io.memory(saved))) as nr.Sequential;
  el('backend-in-use').textContent = `${nr.getBackend().name} (on this page)`;
}

async function showTestAccuracy(m: nr.Sequential, what: string): Promise<void> {
  setState('scoring');
  const test = await split('t10k', Number(setting('test')));
  say(`Scoring ${what} on ${test.n} test images...`);
  const score = await scoreSplit(m, test, { pause });
  const out = el('test-accuracy');
  out.dataset.accuracy = String(score.accuracy);
  out.textContent = `Test accuracy (${what}): ${(100 * score.accuracy).toFixed(2)}% on ${test.n} test images, loss ${score.loss.toFixed(4)}`;
}

function onProgress(e: nr.FitProgressEvent, epochs: number, steps: number): void {
  if (e.kind === 'batchEnd') {
    if (e.batch === 0) {
      el('backend-in-use').textContent =
        `${e.backend} (training in a Web Worker), ${nr.getBackend().name} (on this page)${e.backend === 'cpu' ? `; ${isolation()}` : ''}`;
    }
    chart.addBatch(e.logs);
    document.body.dataset.batches = String(Number(document.body.dataset.batches ?? 0) + 1);
    const b = (e.batch ?? 0) + 1;
    if (b % 5 === 0 || b === steps) {
      say(
        `Epoch ${e.epoch + 1}/${epochs}, batch ${b}/${steps}: loss ${e.logs.loss?.toFixed(4)}, accuracy ${(100 * (e.logs.accuracy ?? 0)).toFixed(1)}%`,
      );
    }
  } else if (e.kind === 'epochEnd') {
    chart.addEpoch(e.logs);
  }
}

async function train(): Promise<void> {
  const backend = setting('backend') as WebBackendName;
  const modelName = setting('model') as ModelName;
  const epochs = Number(setting('epochs'));
  const batchSize = Number(setting('batch'));
  setState('loading');
  say('Loading MNIST...');
  const [data] = await Promise.all([
    split('train', Number(setting('train'))),
    split('t10k', Number(setting('test'))),
  ]);
  await useBackend(backend);
  nr.seed(1);
  const m = buildModel(modelName);
  const validationSplit = 0.1;
  const steps = Math.ceil(Math.ceil(data.n * (1 - validationSplit)) / batchSize);
  compileForTraining(m, modelName, { steps: epochs * steps });
  const x = nr.tensor(data.images, [data.n, SIDE, SIDE, 1]);
  const y = nr.tensor(data.labels, [data.n], 'int32');
  const worker = new Worker(new URL('./fit-worker.js', import.meta.url), { type: 'module' });
  chart.reset();
  document.body.dataset.batches = '0';
  setState('training');
  say(`Training ${modelName} on ${data.n} images in a Web Worker (${backend})...`);
  el('backend-in-use').textContent =
    `${backend} (training in a Web Worker), ${nr.getBackend().name} (on this page)`;
  try {
    run = nr.fitInWorker(m, x, y, {
      worker,
      backend,
      epochs,
      batchSize,
      validationSplit,
      onProgress: (e) => onProgress(e, epochs, steps),
    });
    await run.done;
    setState('scoring');
  } catch (e) {
    m.dispose();
    throw e;
  } finally {
    run = null;
    worker.terminate();
    nr.dispose([x, y]);
  }
  model?.dispose();
  model = m;
  await showTestAccuracy(m, modelName);
  say('Trained. Draw a digit below.');
  setState('trained');
  if (pad.drawn) await classify(pad.pixels());
}

function showSeen(pixels: Float32Array): void {
  const c = el<HTMLCanvasElement>('seen').getContext('2d')!;
  const img = c.createImageData(SIDE, SIDE);
  pixels.forEach((v, i) => {
    const g = Math.round(255 * v);
    img.data.set([g, g, g, 255], 4 * i);
  });
  c.putImageData(img, 0, 0);
}

async function classify(pixels: Float32Array): Promise<void> {
  showSeen(pixels);
  const body = el('probabilities').querySelector('tbody')!;
  if (!model) {
    el('prediction').textContent = 'Train or load a model first.';
    return;
  }
  const m = model;
  const out = nr.tidy(() => m.predict(nr.tensor(pixels, [1, SIDE, SIDE, 1])) as nr.Tensor);
  const probs = await out.data();
  out.dispose();
  let top = 0;
  for (let i = 1; i < probs.length; i++) if (probs[i]! > probs[top]!) top = i;
  body.replaceChildren(
    ...Array.from(probs, (p, digit) => {
      const tr = document.createElement('tr');
      tr.dataset.digit = String(digit);
      tr.dataset.p = String(p);
      tr.classList.toggle('top', digit === top);
      tr.innerHTML = `<td>${digit}</td><td>${(100 * p).toFixed(1)}%</td><td><span class="bar" style="width:${(150 * p).toFixed(1)}px"></span></td>`;
      return tr;
    }),
  );
  el('prediction').textContent = `Looks like a ${top} (${(100 * probs[top]!).toFixed(1)}%).`;
}

const pad = new DigitCanvas(el<HTMLCanvasElement>('pad'), (pixels) => {
  classify(pixels).catch(fail);
});

function fail(e: unknown): void {
  console.error(e);
  say(`Error: ${e instanceof Error ? e.message : String(e)}`, true);
  setState(model ? 'trained' : 'error');
}

el('train').addEventListener('click', () => {
  train().catch(fail);
});
el('stop').addEventListener('click', () => {
  run?.stop();
  say('Stopping after this batch...');
});
el('clear').addEventListener('click', () => {
  pad.clear();
  showSeen(new Float32Array(SIDE * SIDE));
  el('probabilities').querySelector('tbody')!.replaceChildren();
  el('prediction').textContent = '';
});
el('save').addEventListener('click', async () => {
  try {
    if (!model) return;
    const r = await model.save(STORE);
    el('store-status').textContent =
      `Saved to ${STORE} (${r.weightDataBytes?.toLocaleString('en-US')} bytes of weights).`;
  } catch (e) {
    fail(e);
  }
});
el('load').addEventListener('click', async () => {
  try {
    setState('loading');
    await useBackend(setting('backend') as WebBackendName);
    const loaded = await nr.loadModel(STORE);
    if (!(loaded instanceof nr.Sequential)) {
      loaded.dispose();
      throw new Error(`${STORE} holds a '${loaded.className}' model, expected a Sequential one`);
    }
    model?.dispose();
    model = loaded;
    el('store-status').textContent =
      `Loaded ${STORE} (${loaded.countParams().toLocaleString('en-US')} weights).`;
    await showTestAccuracy(loaded, 'loaded model');
    say('Loaded. Draw a digit below.');
    setState('trained');
    if (pad.drawn) await classify(pad.pixels());
  } catch (e) {
    fail(e);
  }
});
setState('idle');
