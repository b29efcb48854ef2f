/**
 * The saved models the loader fuzz test mutates: dense, conv, recurrent and functional models, each saved once
 * by Neurona and once by tfjs-layers 4.22, as the two files a folder holds (`model.json` text and the weight
 * bytes it names).
 */
import '../../../../test-utils/quiet-tfjs.js';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import * as nr from '../../src/index.js';
import { toModelJson } from '../../src/io/model-json.js';
import type { ModelArtifacts } from '../../src/io/types.js';

/** One saved model: who saved it, what kind it is, its `model.json` text and its weights file. */
export interface SavedModel {
  readonly label: string;
  readonly json: string;
  readonly weights: Uint8Array;
}

/** The name the manifest gives the weights file. */
export const WEIGHTS_FILE = 'weights.bin';

function files(label: string, a: ModelArtifacts): SavedModel {
  const json = JSON.stringify(toModelJson(a, [WEIGHTS_FILE]));
  return { label, json, weights: new Uint8Array(a.weightData.slice(0)) };
}

async function saveOurs(label: string, model: nr.LayersModel): Promise<SavedModel> {
  const h = nr.io.memory();
  await model.save(h);
  model.dispose();
  return files(label, h.artifacts!);
}

/** Give a tfjs model fixed weights (tfjs's initializers are not seeded), so the corpus is the same every run. */
function fixWeights(model: tfl.LayersModel, seed: number): void {
  const rng = new nr.Rng(seed);
  const values = model.getWeights().map((w) => {
    const d = new Float32Array(w.size);
    for (let i = 0; i < d.length; i++) d[i] = rng.uniform() - 0.5;
    return tf.tensor(d, w.shape);
  });
  model.setWeights(values);
  tf.dispose(values);
}

async function saveTheirs(label: string, model: tfl.LayersModel): Promise<SavedModel> {
  fixWeights(model, label.length * 31);
  let saved: ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      saved = a as ModelArtifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
    { includeOptimizer: true },
  );
  model.dispose();
  return files(label, saved!);
}

/** Neurona's four models (compiled, so the files carry a training config). */
async function neuronaModels(): Promise<SavedModel[]> {
  nr.seed(7);
  const L = nr.layers;
  const compiled = <M extends nr.LayersModel>(m: M, loss = 'meanSquaredError'): M => {
    m.compile({ optimizer: 'adam', loss, metrics: ['accuracy'] });
    return m;
  };
  const dense = compiled(
    nr.sequential({
      layers: [
        L.dense({ units: 5, activation: 'relu', inputShape: [4] }),
        L.dropout({ rate: 0.2 }),
        L.dense({ units: 3, activation: 'softmax' }),
      ],
    }),
    'categoricalCrossentropy',
  );
  const conv = compiled(
    nr.sequential({
      layers: [
        L.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [6, 6, 2] }),
        L.batchNormalization({}),
        L.maxPooling2d({ poolSize: 2 }),
        L.flatten(),
        L.dense({ units: 2 }),
      ],
    }),
  );
  const recurrent = compiled(
    nr.sequential({
      layers: [
        L.lstm({ units: 4, returnSequences: true, inputShape: [5, 3] }),
        L.simpleRNN({ units: 3, returnSequences: true }),
        L.gru({ units: 3 }),
        L.dense({ units: 1, activation: 'sigmoid' }),
      ],
    }),
    'binaryCrossentropy',
  );
  const a = nr.input({ shape: [4], name: 'in_a' });
  const b = nr.input({ shape: [3], name: 'in_b' });
  const ha = L.dense({ units: 3, activation: 'tanh', name: 'branch_a' }).apply(a) as nr.SymbolicTensor;
  const hb = L.dense({ units: 3, name: 'branch_b' }).apply(b) as nr.SymbolicTensor;
  const sum = L.add({ name: 'sum' }).apply([ha, hb]) as nr.SymbolicTensor;
  const cat = L.concatenate({ name: 'cat' }).apply([sum, ha]) as nr.SymbolicTensor;
  const out = L.dense({ units: 2, name: 'head' }).apply(cat) as nr.SymbolicTensor;
  const functional = compiled(nr.model({ inputs: [a, b], outputs: out, name: 'two_in' }));
  return Promise.all([
    saveOurs('neurona dense', dense),
    saveOurs('neurona conv', conv),
    saveOurs('neurona recurrent', recurrent),
    saveOurs('neurona functional', functional),
  ]);
}

/** The same four kinds built and saved by tfjs-layers 4.22 (with their optimizer, so with a training config). */
async function tfjsModels(): Promise<SavedModel[]> {
  await tf.setBackend('cpu');
  const L = tfl.layers;
  const compiled = <M extends tfl.LayersModel>(m: M, loss = 'meanSquaredError'): M => {
    m.compile({ optimizer: tf.train.adam(0.01), loss, metrics: ['accuracy'] });
    return m;
  };
  const dense = compiled(
    tfl.sequential({
      layers: [
        L.dense({ units: 5, activation: 'relu', inputShape: [4] }),
        L.dropout({ rate: 0.2 }),
        L.dense({ units: 3, activation: 'softmax' }),
      ],
    }),
    'categoricalCrossentropy',
  );
  const conv = compiled(
    tfl.sequential({
      layers: [
        L.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [6, 6, 2] }),
        L.maxPooling2d({ poolSize: 2 }),
        L.flatten(),
        L.dense({ units: 2 }),
      ],
    }),
  );
  // (tfjs's default orthogonal recurrent initializer needs chained ops its ESM build lacks under vitest)
  const rec = { recurrentInitializer: 'glorotUniform' } as const;
  const recurrent = compiled(
    tfl.sequential({
      layers: [
        L.lstm({ units: 4, returnSequences: true, inputShape: [5, 3], ...rec }),
        L.simpleRNN({ units: 3, returnSequences: true, ...rec }),
        L.gru({ units: 3, ...rec }),
        L.dense({ units: 1, activation: 'sigmoid' }),
      ],
    }),
    'binaryCrossentropy',
  );
  const a = tfl.input({ shape: [4], name: 'in_a' });
  const b = tfl.input({ shape: [3], name: 'in_b' });
  const ha = L.dense({ units: 3, activation: 'tanh', name: 'branch_a' }).apply(a) as tfl.SymbolicTensor;
  const hb = L.dense({ units: 3, name: 'branch_b' }).apply(b) as tfl.SymbolicTensor;
  const sum = L.add({ name: 'sum' }).apply([ha, hb]) as tfl.SymbolicTensor;
  const cat = L.concatenate({ name: 'cat' }).apply([sum, ha]) as tfl.SymbolicTensor;
  const out = L.dense({ units: 2, name: 'head' }).apply(cat) as tfl.SymbolicTensor;
  const functional = compiled(tfl.model({ inputs: [a, b], outputs: out, name: 'two_in' }));
  return Promise.all([
    saveTheirs('tfjs dense', dense),
    saveTheirs('tfjs conv', conv),
    saveTheirs('tfjs recurrent', recurrent),
    saveTheirs('tfjs functional', functional),
  ]);
}

/** All eight saved models: Neurona's four, then tfjs-layers' four. */
export async function savedModels(): Promise<SavedModel[]> {
  return [...(await neuronaModels()), ...(await tfjsModels())];
}
