/**
 * Sessions on a Neurona backend: the workload's model built with `nr.sequential`, trained with
 * `model.fit` and run with `model.predict`.
 */
import * as nr from '@neurona/core';
import { randomFloats, randomLabels } from './data.js';
import type { Session } from './measure.js';
import type { LayerSpec, MatmulWorkload, Mode, ModelWorkload, Workload } from './workloads.js';

function layer(spec: LayerSpec): nr.Layer {
  switch (spec.kind) {
    case 'dense':
      return nr.layers.dense({ units: spec.units, activation: spec.activation });
    case 'conv2d':
      return nr.layers.conv2d({
        filters: spec.filters,
        kernelSize: spec.kernelSize,
        padding: spec.padding,
        activation: spec.activation,
      });
    case 'maxPool':
      return nr.layers.maxPooling2d({ poolSize: spec.poolSize });
    case 'flatten':
      return nr.layers.flatten();
    case 'dropout':
      return nr.layers.dropout({ rate: spec.rate });
    case 'simpleRNN':
      return nr.layers.simpleRNN({ units: spec.units });
    case 'lstm':
      return nr.layers.lstm({ units: spec.units, unitForgetBias: true });
    case 'gru':
      return nr.layers.gru({ units: spec.units, resetAfter: false });
  }
}

/**
 * The workload's model on the current Neurona backend, built and compiled (Adam, sparse categorical
 * cross-entropy, no metrics).
 *
 * @example
 * ```ts
 * const model = neuronaModel(findWorkload('mlp', false) as ModelWorkload);
 * model.countParams(); // 101770
 * ```
 */
export function neuronaModel(w: ModelWorkload): nr.Sequential {
  const model = nr.sequential({ layers: w.layers.map(layer) });
  model.build([null, ...w.inputShape]);
  model.compile({
    optimizer: nr.optimizers.adam({ learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }),
    loss: 'sparseCategoricalCrossentropy',
  });
  return model;
}

function modelSession(w: ModelWorkload, mode: Mode, seed: number): Session {
  nr.seed(seed);
  const model = neuronaModel(w);
  const perExample = w.inputShape.reduce((a, b) => a * b, 1);
  // Training fits over all prepared batches at once; inference predicts batch by batch (one call per
  // batch, as a server would: tfjs-layers' predict over many batches at once is super-linear on wasm).
  let x: nr.Tensor | null = null;
  let y: nr.Tensor | null = null;
  let batches: nr.Tensor[] = [];
  const free = (): void => {
    x?.dispose();
    y?.dispose();
    for (const b of batches) b.dispose();
    x = y = null;
    batches = [];
  };
  return {
    prepare(count) {
      free();
      const n = count * w.batchSize;
      const data = randomFloats(n * perExample, seed);
      if (mode === 'train') {
        x = nr.tensor(data, [n, ...w.inputShape]);
        y = nr.tensor(randomLabels(n, w.classes, seed), [n], 'int32');
        return;
      }
      const size = w.batchSize * perExample;
      for (let i = 0; i < count; i++) {
        batches.push(nr.tensor(data.subarray(i * size, (i + 1) * size), [w.batchSize, ...w.inputShape]));
      }
    },
    async run() {
      if (mode === 'train') {
        if (!x || !y) throw new Error(`neurona session '${w.name}': run() before prepare()`);
        await model.fit(x, y, { epochs: 1, batchSize: w.batchSize, shuffle: false, verbose: 0 });
        return;
      }
      for (const b of batches) {
        const p = model.predict(b, { batchSize: w.batchSize });
        await p.data();
        p.dispose();
      }
    },
    dispose() {
      free();
      model.dispose();
    },
  };
}

function matmulSession(w: MatmulWorkload, mode: Mode, seed: number): Session {
  const a = nr.tensor(randomFloats(w.n * w.n, seed), [w.n, w.n]);
  const b = nr.tensor(randomFloats(w.n * w.n, seed + 1), [w.n, w.n]);
  const g = nr.grads((p, q) => nr.sum(nr.matMul(p, q)));
  let count = 1;
  return {
    prepare(batches) {
      count = batches;
    },
    async run() {
      for (let i = 0; i < count; i++) {
        const outs = mode === 'train' ? nr.tidy(() => g([a, b])) : [nr.matMul(a, b)];
        if (i === count - 1) for (const t of outs) await t.data();
        for (const t of outs) t.dispose();
      }
    },
    dispose() {
      a.dispose();
      b.dispose();
    },
  };
}

/**
 * A session for a workload on the current Neurona backend (`nr.setBackend` first).
 *
 * @example
 * ```ts
 * await nr.setBackend(cpu());
 * const s = neuronaSession(findWorkload('mlp', true), 'train', 1);
 * s.prepare(1); await s.run(); s.dispose();
 * ```
 */
export function neuronaSession(w: Workload, mode: Mode, seed: number): Session {
  return w.kind === 'matmul' ? matmulSession(w, mode, seed) : modelSession(w, mode, seed);
}
