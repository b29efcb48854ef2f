/**
 * Sessions on a Neurona backend: the workload's model built with `nr.sequential`, trained with
 * `model.fit` (a `next-token` model: with the training step of apps/sequence-rnn) and run with
 * `model.predict`.
 */
import * as nr from '@neurona/core';
import type { Session } from './measure.js';
import { buildTrunk, mobilenetV2Spec, type TrunkOps } from './mobilenet.js';
import { matmulSession, modelSession } from './sessions.js';
import type { LayerSpec, Mode, ModelWorkload, Workload } from './workloads.js';

const bnArgs = { epsilon: 1e-3, momentum: 0.999 } as const;

/** The MobileNetV2 trunk in Neurona's functional API (`mobilenet.ts` says which layers). */
const neuronaTrunkOps: TrunkOps<nr.SymbolicTensor> = {
  conv: (x, a) => nr.layers.conv2d({ ...a, padding: 'same', useBias: false }).apply(x),
  depthwise: (x, a) => nr.layers.depthwiseConv2d({ ...a, kernelSize: 3, useBias: false }).apply(x),
  batchNorm: (x, name) => nr.layers.batchNormalization({ ...bnArgs, name }).apply(x),
  relu6: (x, name) => nr.layers.reLU({ maxValue: 6, name }).apply(x),
  pad: (x, name) =>
    nr.layers
      .zeroPadding2d({
        padding: [
          [0, 1],
          [0, 1],
        ],
        name,
      })
      .apply(x),
  add: (a, b, name) => nr.layers.add({ name }).apply([a, b]),
  pool: (x, name) => nr.layers.globalAveragePooling2d({ name }).apply(x),
};

/**
 * Keras's MobileNetV2 trunk (up to the global average pooling) as a Neurona functional model on
 * `side x side x 3` images, with fresh (seeded) random weights.
 *
 * @example
 * ```ts
 * const trunk = neuronaMobileNetV2(1, 224); // 155 layers with its input, 2,257,984 weights
 * ```
 */
export function neuronaMobileNetV2(alpha: number, side: number): nr.LayersModel {
  const image = nr.input({ shape: [side, side, 3], name: 'input_1' });
  const features = buildTrunk(mobilenetV2Spec(alpha), image, neuronaTrunkOps);
  return nr.model({ inputs: image, outputs: features, name: `mobilenetv2_${alpha.toFixed(2)}_${side}` });
}

/** One layer of a workload; `modelInput` is the model's input shape for the first layer, null for the others. */
function layer(spec: LayerSpec, modelInput: readonly number[] | null): nr.Layer {
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
    case 'embedding':
      return nr.layers.embedding({ inputDim: spec.inputDim, outputDim: spec.outputDim });
    case 'simpleRNN':
      return nr.layers.simpleRNN({ units: spec.units, returnSequences: spec.returnSequences ?? false });
    case 'lstm':
      return nr.layers.lstm({
        units: spec.units,
        unitForgetBias: true,
        returnSequences: spec.returnSequences ?? false,
      });
    case 'gru':
      return nr.layers.gru({
        units: spec.units,
        resetAfter: false,
        returnSequences: spec.returnSequences ?? false,
      });
    case 'mobilenetV2': {
      if (!modelInput) throw new Error('bench: a mobilenetV2 trunk must be the first layer of its workload');
      const trunk = neuronaMobileNetV2(spec.alpha, modelInput[0]!);
      trunk.trainable = spec.trainable;
      return trunk;
    }
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
  const model = nr.sequential({ layers: w.layers.map((l, i) => layer(l, i === 0 ? w.inputShape : null)) });
  model.build([null, ...w.inputShape]);
  model.compile({
    optimizer: nr.optimizers.adam({ learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }),
    loss: 'sparseCategoricalCrossentropy',
  });
  return model;
}

/** The last layer's pre-softmax output, as apps/sequence-rnn uses it for a stable loss. */
interface LogitsLayer {
  callLogits(x: nr.Tensor): nr.Tensor;
}

/**
 * One epoch of a `next-token` model over `x`, `y` (`[n, steps]` ids and labels) in whole batches, each
 * step exactly as apps/sequence-rnn trains (`text-train.ts`): the mean over every position of the sparse
 * categorical cross-entropy from the logits, `nr.variableGrads`, `optimizer.applyGradients`, the loss read
 * back. (The app also clips the global gradient norm to 5; tfjs's Adam cannot, so neither side does here.)
 */
async function fitNextToken(
  model: nr.Sequential,
  optimizer: nr.Optimizer,
  w: ModelWorkload,
  x: nr.Tensor,
  y: nr.Tensor,
): Promise<void> {
  const layers = model.layers;
  const last = layers[layers.length - 1] as nr.Layer & Partial<LogitsLayer>;
  if (typeof last.callLogits !== 'function') {
    throw new Error(`bench ${w.name}: the last layer '${last.name}' has no callLogits (expected Dense)`);
  }
  const logitsOf = (ids: nr.Tensor): nr.Tensor => {
    let h = ids;
    for (let i = 0; i < layers.length - 1; i++) h = layers[i]!.apply(h, { training: true });
    return last.callLogits!(h);
  };
  const crossEntropy = nr.losses.sparseCategoricalCrossentropy({ fromLogits: true });
  const vars = model.trainableWeights;
  const steps = w.inputShape[0]!;
  const n = x.shape[0]!;
  for (let start = 0; start < n; start += w.batchSize) {
    const loss = nr.tidy(() => {
      const xb = nr.slice(x, [start, 0], [w.batchSize, steps]);
      const yb = nr.slice(y, [start, 0], [w.batchSize, steps]);
      const { value, grads } = nr.variableGrads(() => nr.mean(crossEntropy(yb, logitsOf(xb))), vars);
      optimizer.applyGradients(vars.map((v) => ({ variable: v, grad: grads[v.name]! })));
      return value;
    });
    await loss.data();
    loss.dispose();
  }
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
  if (w.kind === 'matmul') {
    const g = nr.grads((p, q) => nr.sum(nr.matMul(p, q)));
    return matmulSession<nr.Tensor>(w, mode, seed, {
      matrix: (values, n) => nr.tensor(values, [n, n]),
      product: (a, b) => [nr.matMul(a, b)],
      gradients: (a, b) => nr.tidy(() => g([a, b])),
      read: (t) => t.data(),
    });
  }
  nr.seed(seed);
  const model = neuronaModel(w);
  const optimizer = model.optimizerInstance;
  if (!optimizer) throw new Error(`bench ${w.name}: the compiled model has no optimizer`);
  const nextToken = w.task === 'next-token';
  return modelSession<nr.Tensor>(w, mode, seed, {
    inputs: (values, shape) => (nextToken ? nr.tensor(values, shape, 'int32') : nr.tensor(values, shape)),
    labels: (values, shape) => nr.tensor(values, shape, 'int32'),
    fit: async (x, y) => {
      if (nextToken) return fitNextToken(model, optimizer, w, x, y);
      await model.fit(x, y, { epochs: 1, batchSize: w.batchSize, shuffle: false, verbose: 0 });
    },
    predict: async (b) => {
      const p = model.predict(b, { batchSize: w.batchSize });
      await p.data();
      p.dispose();
    },
    dispose: () => model.dispose(),
  });
}
