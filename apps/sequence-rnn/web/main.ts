/**
 * The character-RNN demo page: a second front end over the app's text task. The model lives in a worker
 * (`char-rnn-worker.ts`); this page sends it settings and text, shows training progress, and appends the
 * generated characters as they come. Settings can be preset in the URL
 * (`?chars=20000&units=32&seqLen=32&batch=16&epochs=1&backend=cpu`).
 *
 * @packageDocumentation
 */
import type { Cell } from '../src/char-model.js';
import { prepareText } from '../src/text-prep.js';
import { parseCharMeta, VOCAB_FORMAT } from '../src/vocab-file.js';
import type { CharMeta, FromWorker, ToWorker, WorkerBackend } from './protocol.js';

const STORE = 'indexeddb://char-rnn-demo';
/** The vocabulary of the model in IndexedDB (the worker has no localStorage). */
const META_KEY = 'neurona-char-rnn-demo-vocab';

const el = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const e = document.getElementById(id);
  if (!e) throw new Error(`RNN page: no element #${id}`);
  return e as T;
};
const form = el<HTMLFormElement>('settings');
const status = el('status');
const output = el('generated');
const temperature = el<HTMLInputElement>('temperature');

for (const [key, value] of new URL(location.href).searchParams) {
  const field = form.elements.namedItem(key);
  if (field instanceof HTMLInputElement) field.value = value;
  else if (field instanceof HTMLSelectElement) {
    if (!Array.from(field.options).some((o) => o.value === value)) field.add(new Option(value, value));
    field.value = value;
  }
}

const setting = (name: string): string =>
  (form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement).value;

type State = 'idle' | 'loading' | 'training' | 'ready' | 'generating' | 'error';
let hasModel = false;

function setState(state: State): void {
  document.body.dataset.state = state;
  const busy = state === 'loading' || state === 'training' || state === 'generating';
  el<HTMLButtonElement>('train').disabled = busy;
  el<HTMLButtonElement>('load').disabled = busy;
  el<HTMLInputElement>('files').disabled = busy;
  el<HTMLButtonElement>('stop').disabled = !(state === 'training' || state === 'generating');
  el<HTMLButtonElement>('save').disabled = busy || !hasModel;
  el<HTMLButtonElement>('generate').disabled = busy || !hasModel;
  for (const f of Array.from(form.elements)) (f as HTMLInputElement).disabled = busy;
}

function say(text: string, error = false): void {
  status.textContent = text;
  status.classList.toggle('error', error);
}

const worker = new Worker(new URL('./char-rnn-worker.js', import.meta.url), { type: 'module' });
const send = (m: ToWorker): void => worker.postMessage(m);
let unigram = Number.NaN;
let steps = 0;

function onMessage(m: FromWorker): void {
  switch (m.type) {
    case 'backend':
      el('backend-in-use').textContent = `${m.name} (in a Web Worker)`;
      break;
    case 'text':
      unigram = m.unigram;
      say(
        `Text: ${m.chars} characters, ${m.vocab} distinct; training on ${m.trainChars}, holding out ${m.heldOutChars}.`,
      );
      break;
    case 'progress':
      steps++;
      document.body.dataset.batches = String(steps);
      if (m.step % 5 === 0 || m.step === m.steps) {
        say(
          `Epoch ${m.epoch + 1}/${m.epochs}, batch ${m.step}/${m.steps}: loss ${m.loss.toFixed(4)} nats/char`,
        );
      }
      break;
    case 'epoch':
      el('losses').textContent =
        `After epoch ${m.epoch + 1}: held-out loss ${m.valLoss.toFixed(4)} nats/char (perplexity ${Math.exp(m.valLoss).toFixed(2)}); ` +
        `unigram baseline ${unigram.toFixed(4)}`;
      break;
    case 'trained': {
      hasModel = true;
      const losses = el('losses');
      losses.dataset.initial = String(m.initialValLoss);
      losses.dataset.final = String(m.valLoss);
      losses.dataset.unigram = String(unigram);
      losses.textContent =
        `Held-out loss ${m.valLoss.toFixed(4)} nats/char (perplexity ${Math.exp(m.valLoss).toFixed(2)}); ` +
        `untrained ${m.initialValLoss.toFixed(4)}, unigram baseline ${unigram.toFixed(4)}.`;
      say(`Trained (${m.steps} batches). Generate below.`);
      setState('ready');
      break;
    }
    case 'chars':
      output.append(m.text);
      break;
    case 'generated':
      output.dataset.done = 'true';
      say('Generated.');
      setState('ready');
      break;
    case 'saved':
      localStorage.setItem(META_KEY, JSON.stringify({ format: VOCAB_FORMAT, ...m.meta }));
      say(`Saved to ${STORE}.`);
      setState('ready');
      break;
    case 'loaded':
      hasModel = true;
      say(
        `Loaded a model of ${m.weights.toLocaleString('en-US')} weights (${m.meta.chars.length} characters).`,
      );
      setState('ready');
      break;
    case 'error':
      say(`Error: ${m.message}`, true);
      console.error(m.message);
      setState(hasModel ? 'ready' : 'error');
      break;
  }
}
worker.onmessage = (ev: MessageEvent<FromWorker>) => onMessage(ev.data);
worker.onerror = (ev) => {
  say(`Error: the worker failed: ${ev.message}`, true);
  setState('error');
};

async function train(): Promise<void> {
  setState('loading');
  say('Loading Moby-Dick...');
  const res = await fetch(new URL('data/data.txt', location.href));
  if (!res.ok) throw new Error(`GET data/data.txt answered ${res.status}`);
  const text = prepareText(await res.text(), Number(setting('chars')));
  steps = 0;
  document.body.dataset.batches = '0';
  setState('training');
  send({
    type: 'train',
    text,
    backend: setting('backend') as WorkerBackend,
    settings: {
      cell: setting('cell') as Cell,
      units: Number(setting('units')),
      layers: 1,
      embeddingDim: 16,
      seqLen: Number(setting('seqLen')),
      batchSize: Number(setting('batch')),
      epochs: Number(setting('epochs')),
      learningRate: Number(setting('lr')),
      seed: 1,
    },
  });
}

function generate(): void {
  const prompt = el<HTMLInputElement>('prompt').value;
  const span = document.createElement('span');
  span.className = 'prompt';
  span.textContent = prompt;
  output.replaceChildren(span);
  delete output.dataset.done;
  setState('generating');
  say('Generating...');
  send({
    type: 'generate',
    prompt,
    length: Number(el<HTMLInputElement>('length').value),
    temperature: Number(temperature.value),
  });
}

async function loadFiles(files: File[]): Promise<void> {
  const vocab = files.find((f) => f.name === 'vocab.json');
  const json = files.find((f) => f.name.endsWith('.json') && f !== vocab);
  const weights = files.filter((f) => f.name.endsWith('.bin'));
  if (!vocab || !json || weights.length === 0) {
    throw new Error(
      `pick model.json, its weights file(s) and vocab.json; got ${files.map((f) => f.name).join(', ')}`,
    );
  }
  const meta: CharMeta = parseCharMeta(JSON.parse(await vocab.text()), vocab.name);
  setState('loading');
  send({ type: 'load', backend: setting('backend') as WorkerBackend, meta, files: [json, ...weights] });
}

function fail(e: unknown): void {
  console.error(e);
  say(`Error: ${e instanceof Error ? e.message : String(e)}`, true);
  setState(hasModel ? 'ready' : 'error');
}

el('train').addEventListener('click', () => {
  train().catch(fail);
});
el('stop').addEventListener('click', () => send({ type: 'stop' }));
el('generate').addEventListener('click', generate);
el('save').addEventListener('click', () => {
  setState('loading');
  send({ type: 'save', url: STORE });
});
el('load').addEventListener('click', () => {
  try {
    const saved = localStorage.getItem(META_KEY);
    if (!saved) throw new Error(`nothing saved yet: no vocabulary for ${STORE} in this browser`);
    setState('loading');
    send({
      type: 'load',
      backend: setting('backend') as WorkerBackend,
      meta: parseCharMeta(JSON.parse(saved), META_KEY),
      url: STORE,
    });
  } catch (e) {
    fail(e);
  }
});
el<HTMLInputElement>('files').addEventListener('change', (ev) => {
  const files = Array.from((ev.target as HTMLInputElement).files ?? []);
  loadFiles(files).catch(fail);
});
temperature.addEventListener('input', () => {
  el('temperature-value').textContent = temperature.value;
});
setState('idle');
