/**
 * The character-RNN page's own worker (not `nr.fitInWorker`: the character model trains with the app's loop,
 * since `fit` takes no `[batch, time]` sparse labels). It holds the model and runs the app's code: training
 * steps and held-out loss (`char-training.ts`), the vocabulary, and sampling (`sampling.ts`), so the page's
 * main thread only draws.
 *
 * @packageDocumentation
 */
import { cpu } from '@neurona/backend-cpu';
import { wasm } from '@neurona/backend-wasm';
import { webgpu } from '@neurona/backend-webgpu';
import * as nr from '@neurona/core';
import { buildCharModel } from '../src/char-model.js';
import { compileCharModel, epochBatches, heldOutLoss, trainCharBatch } from '../src/char-training.js';
import { generate } from '../src/sampling.js';
import { unigramEntropy, Vocab } from '../src/vocab.js';
import { splitHoldout } from '../src/windows.js';
import type { CharMeta, FromWorker, ToWorker, TrainSettings, WorkerBackend } from './protocol.js';

const BACKENDS: Record<WorkerBackend, () => nr.Backend | Promise<nr.Backend>> = {
  cpu: () => cpu(),
  wasm: () => wasm({ wasmPaths: new URL('wasm/', import.meta.url).href }),
  webgpu: () => webgpu(),
};

const scope = globalThis as unknown as {
  onmessage: ((ev: MessageEvent<ToWorker>) => void) | null;
  postMessage(m: FromWorker): void;
};
const post = (m: FromWorker): void => scope.postMessage(m);

let backend: WorkerBackend | null = null;
let model: nr.Sequential | null = null;
let meta: CharMeta | null = null;
let stop: AbortController | null = null;

/** Let queued messages (a `stop`) in: a macrotask turn that browsers do not clamp. */
const yieldTurn = (): Promise<void> =>
  new Promise((ok) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => ok();
    ch.port2.postMessage(null);
  });

async function useBackend(name: WorkerBackend): Promise<void> {
  if (backend === name) return;
  if (model) {
    model.dispose();
    model = null;
  }
  await nr.setBackend(await BACKENDS[name]());
  backend = name;
  post({ type: 'backend', name: nr.getBackend().name });
}

function replaceModel(m: nr.Sequential, md: CharMeta): void {
  model?.dispose();
  model = m;
  meta = md;
}

async function train(text: string, s: TrainSettings, name: WorkerBackend): Promise<void> {
  await useBackend(name);
  nr.seed(s.seed);
  const rng = nr.engine().rng;
  const vocab = Vocab.fromText(text);
  const { train: trainIds, heldOut } = splitHoldout(vocab.encode(text), 0.1);
  if (heldOut.length < s.seqLen + 1) {
    throw new Error(
      `window length ${s.seqLen}: the held-out text (${heldOut.length} characters) is shorter than one window; use more text`,
    );
  }
  const unigram = unigramEntropy(heldOut, vocab.size);
  post({
    type: 'text',
    chars: trainIds.length + heldOut.length,
    vocab: vocab.size,
    trainChars: trainIds.length,
    heldOutChars: heldOut.length,
    unigram,
  });
  const m = buildCharModel({
    vocabSize: vocab.size,
    cell: s.cell,
    units: s.units,
    layers: s.layers,
    embeddingDim: s.embeddingDim,
  });
  const md: CharMeta = { chars: vocab.chars, seqLen: s.seqLen };
  replaceModel(m, md);
  const optimizer = compileCharModel(m, s.learningRate);
  const initialValLoss = await heldOutLoss(m, heldOut, s.seqLen);
  let valLoss = initialValLoss;
  let steps = 0;
  stop = new AbortController();
  const { signal } = stop;
  let last = performance.now();
  for (let epoch = 0; epoch < s.epochs && !signal.aborted; epoch++) {
    const { x, y, batches } = epochBatches(trainIds, s.seqLen, s.batchSize, epoch, rng);
    let lossSum = 0;
    let count = 0;
    for (let b = 0; b < batches.length && !signal.aborted; b++) {
      const loss = await trainCharBatch(m, optimizer, x, y, s.seqLen, batches[b]!);
      if (!Number.isFinite(loss)) {
        throw new Error(
          `training diverged at epoch ${epoch + 1}, step ${b + 1} (loss ${loss}); lower the learning rate`,
        );
      }
      lossSum += loss;
      count++;
      steps++;
      post({
        type: 'progress',
        epoch,
        epochs: s.epochs,
        step: b + 1,
        steps: batches.length,
        loss: lossSum / count,
      });
      if (performance.now() - last > 30) {
        await yieldTurn();
        last = performance.now();
      }
    }
    valLoss = await heldOutLoss(m, heldOut, s.seqLen);
    post({ type: 'epoch', epoch, loss: lossSum / Math.max(count, 1), valLoss });
  }
  stop = null;
  post({ type: 'trained', meta: md, initialValLoss, valLoss, steps });
}

async function sample(prompt: string, length: number, temperature: number): Promise<void> {
  if (!model || !meta) throw new Error('generate: train or load a model first');
  stop = new AbortController();
  const [text] = await generate(model, new Vocab(meta.chars), {
    prompt,
    length,
    temperatures: [temperature],
    context: meta.seqLen,
    signal: stop.signal,
    onChars: async ([ch]) => {
      post({ type: 'chars', text: ch! });
      await yieldTurn();
    },
  });
  stop = null;
  post({ type: 'generated', text: text! });
}

async function load(m: Extract<ToWorker, { type: 'load' }>): Promise<void> {
  await useBackend(m.backend);
  const source = m.files ? nr.io.browserFiles(m.files) : m.url;
  if (!source) throw new Error('load: give a url or files');
  const loaded = await nr.loadModel(source);
  if (!(loaded instanceof nr.Sequential)) {
    loaded.dispose();
    throw new Error(`load: expected a Sequential character model, got a '${loaded.className}' model`);
  }
  const classes = loaded.outputShape[loaded.outputShape.length - 1];
  if (classes !== m.meta.chars.length) {
    loaded.dispose();
    throw new Error(
      `load: the model predicts ${classes} characters but its vocabulary has ${m.meta.chars.length}`,
    );
  }
  replaceModel(loaded, m.meta);
  post({ type: 'loaded', meta: m.meta, weights: loaded.countParams() });
}

scope.onmessage = (ev) => {
  const m = ev.data;
  if (m.type === 'stop') {
    stop?.abort();
    return;
  }
  const work = async (): Promise<void> => {
    if (m.type === 'train') await train(m.text, m.settings, m.backend);
    else if (m.type === 'generate') await sample(m.prompt, m.length, m.temperature);
    else if (m.type === 'save') {
      if (!model || !meta) throw new Error('save: train or load a model first');
      await model.save(m.url);
      post({ type: 'saved', meta });
    } else await load(m);
  };
  work().catch((e: unknown) => {
    stop = null;
    post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  });
};
