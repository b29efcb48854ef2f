/**
 * The peers' models and sessions in TensorFlow.js 4.22, free of Node APIs (the `--browser` page bundles them too):
 * the same model in tfjs-layers, the same initialisers, Adam with the same hyper-parameters, `model.fit` and
 * `model.predict`. `run-tfjs.ts` picks the backend and runs them.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Session } from './measure.js';
import { buildTrunk, mobilenetV2Spec, type TrunkOps } from './mobilenet.js';
import { type ModelOps, matmulSession, modelSession } from './sessions.js';
import type { LayerSpec, Mode, ModelWorkload, Workload } from './workloads.js';

type TfLayer = Parameters<tfl.Sequential['add']>[0];

/**
 * tfjs-layers' orthogonal initializer (the default for recurrent kernels) calls the chained tensor
 * methods `flatten`, `stridedSlice`, `sign`, `transpose` and `reshape`. The `@tensorflow/tfjs` union
 * package installs them on `Tensor.prototype`; the separate packages we use do not, so we install the
 * few that are needed, each a plain call of the tfjs-core op.
 *
 * @example
 * ```ts
 * installChainedOps(); // idempotent
 * ```
 */
export function installChainedOps(): void {
  const proto = tf.Tensor.prototype as unknown as Record<string, unknown>;
  const methods: Record<string, (this: tf.Tensor, ...args: never[]) => tf.Tensor> = {
    flatten(this: tf.Tensor) {
      return tf.reshape(this, [this.size]);
    },
    stridedSlice(this: tf.Tensor, begin: number[], end: number[], strides: number[]) {
      return tf.stridedSlice(this, begin, end, strides);
    },
    sign(this: tf.Tensor) {
      return tf.sign(this);
    },
    transpose(this: tf.Tensor, perm?: number[]) {
      return tf.transpose(this, perm);
    },
    reshape(this: tf.Tensor, shape: number[]) {
      return tf.reshape(this, shape);
    },
  };
  for (const [name, f] of Object.entries(methods)) if (typeof proto[name] !== 'function') proto[name] = f;
}

const sym = (t: unknown): tfl.SymbolicTensor => t as tfl.SymbolicTensor;
const bnArgs = { epsilon: 1e-3, momentum: 0.999 } as const;

/** The MobileNetV2 trunk in tfjs-layers' functional API (the same layers and names as Neurona's). */
const tfjsTrunkOps: TrunkOps<tfl.SymbolicTensor> = {
  conv: (x, a) => sym(tfl.layers.conv2d({ ...a, padding: 'same', useBias: false }).apply(x)),
  depthwise: (x, a) => sym(tfl.layers.depthwiseConv2d({ ...a, kernelSize: 3, useBias: false }).apply(x)),
  batchNorm: (x, name) => sym(tfl.layers.batchNormalization({ ...bnArgs, name }).apply(x)),
  relu6: (x, name) => sym(tfl.layers.reLU({ maxValue: 6, name }).apply(x)),
  pad: (x, name) =>
    sym(
      tfl.layers
        .zeroPadding2d({
          padding: [
            [0, 1],
            [0, 1],
          ],
          name,
        })
        .apply(x),
    ),
  add: (a, b, name) => sym(tfl.layers.add({ name }).apply([a, b])),
  pool: (x, name) => sym(tfl.layers.globalAveragePooling2d({ name }).apply(x)),
};

/**
 * Keras's MobileNetV2 trunk (up to the global average pooling) as a tfjs-layers functional model.
 *
 * @example
 * ```ts
 * tfjsMobileNetV2(1, 224).countParams(); // 2257984
 * ```
 */
export function tfjsMobileNetV2(alpha: number, side: number): tfl.LayersModel {
  const image = tfl.input({ shape: [side, side, 3], name: 'input_1' });
  const features = buildTrunk(mobilenetV2Spec(alpha), image, tfjsTrunkOps);
  return tfl.model({ inputs: image, outputs: features, name: `mobilenetv2_${alpha.toFixed(2)}_${side}` });
}

function tfLayer(spec: LayerSpec, inputShape: number[] | undefined): TfLayer {
  const first = inputShape ? { inputShape } : {};
  switch (spec.kind) {
    case 'dense':
      return tfl.layers.dense({ ...first, units: spec.units, activation: spec.activation });
    case 'conv2d':
      return tfl.layers.conv2d({
        ...first,
        filters: spec.filters,
        kernelSize: spec.kernelSize,
        padding: spec.padding,
        activation: spec.activation,
      });
    case 'maxPool':
      return tfl.layers.maxPooling2d({ ...first, poolSize: spec.poolSize });
    case 'flatten':
      return tfl.layers.flatten(first);
    case 'dropout':
      return tfl.layers.dropout({ ...first, rate: spec.rate });
    case 'embedding':
      return tfl.layers.embedding({ ...first, inputDim: spec.inputDim, outputDim: spec.outputDim });
    case 'simpleRNN':
      return tfl.layers.simpleRNN({
        ...first,
        units: spec.units,
        returnSequences: spec.returnSequences ?? false,
      });
    case 'lstm':
      return tfl.layers.lstm({
        ...first,
        units: spec.units,
        unitForgetBias: true,
        returnSequences: spec.returnSequences ?? false,
      });
    case 'gru':
      return tfl.layers.gru({ ...first, units: spec.units, returnSequences: spec.returnSequences ?? false });
    case 'mobilenetV2': {
      if (!inputShape) throw new Error('bench: a mobilenetV2 trunk must be the first layer of its workload');
      const trunk = tfjsMobileNetV2(spec.alpha, inputShape[0]!);
      trunk.trainable = spec.trainable;
      return trunk as unknown as TfLayer;
    }
  }
}

/**
 * The workload's model in tfjs-layers, compiled (Adam, sparse categorical cross-entropy, no metrics).
 *
 * @example
 * ```ts
 * const model = tfjsModel(findWorkload('mlp', false) as ModelWorkload);
 * model.countParams(); // 101770
 * ```
 */
export function tfjsModel(w: ModelWorkload): tfl.Sequential {
  return compiled(
    tfl.sequential({ layers: w.layers.map((l, i) => tfLayer(l, i === 0 ? [...w.inputShape] : undefined)) }),
  );
}

/** What a peer model session runs: one epoch of training, and one batch's prediction. */
type TfjsRunner = Pick<ModelOps<tf.Tensor>, 'fit' | 'predict' | 'dispose'>;

function compiled(model: tfl.Sequential): tfl.Sequential {
  model.compile({ optimizer: tf.train.adam(0.001, 0.9, 0.999, 1e-7), loss: 'sparseCategoricalCrossentropy' });
  return model;
}

/**
 * Head fine-tuning as a tfjs user does it (and Teachable Machine): the frozen trunk's features by `predict`,
 * then `fit` of the head on them. tfjs-layers' own `fit` through a frozen nested model still back-propagates
 * into it (its fused convolutions' gradients compute the filter gradients too) and runs its
 * BatchNormalization on batch statistics; tfjs-wasm then stops at its missing Conv2DBackpropFilter.
 */
function tfjsFineTune(w: ModelWorkload): TfjsRunner {
  const trunk = tfLayer(w.layers[0]!, [...w.inputShape]) as unknown as tfl.LayersModel;
  const features = trunk.outputs[0]!.shape.slice(1) as number[];
  const head = compiled(
    tfl.sequential({ layers: w.layers.slice(1).map((l, i) => tfLayer(l, i === 0 ? features : undefined)) }),
  );
  return {
    fit: async (x, y) => {
      const f = trunk.predict(x, { batchSize: w.batchSize }) as tf.Tensor;
      await head.fit(f, y, { epochs: 1, batchSize: w.batchSize, shuffle: false, verbose: 0 });
      f.dispose();
    },
    predict: async () => {
      throw new Error('tfjsFineTune: training only');
    },
    dispose: () => {
      trunk.dispose();
      head.dispose();
    },
  };
}

function tfjsRunner(w: ModelWorkload, mode: Mode): TfjsRunner {
  const first = w.layers[0];
  if (mode === 'train' && first?.kind === 'mobilenetV2' && !first.trainable) return tfjsFineTune(w);
  const model = tfjsModel(w);
  return {
    fit: async (x, y) => {
      await model.fit(x, y, { epochs: 1, batchSize: w.batchSize, shuffle: false, verbose: 0 });
    },
    predict: async (b) => {
      const p = model.predict(b, { batchSize: w.batchSize }) as tf.Tensor;
      await p.data();
      p.dispose();
    },
    dispose: () => model.dispose(),
  };
}

/**
 * A session for a workload on the current tfjs backend (`tf.setBackend` first; call {@link installChainedOps}
 * once before).
 *
 * @example
 * ```ts
 * const s = tfjsWorkloadSession(findWorkload('mlp', true), 'train', 1);
 * s.prepare(1); await s.run(); s.dispose();
 * ```
 */
export function tfjsWorkloadSession(w: Workload, mode: Mode, seed: number): Session {
  if (w.kind === 'matmul') {
    const g = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.matMul(p as tf.Tensor2D, q as tf.Tensor2D)));
    return matmulSession<tf.Tensor>(w, mode, seed, {
      matrix: (values, n) => tf.tensor2d(values, [n, n]),
      product: (a, b) => [tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D)],
      gradients: (a, b) => tf.tidy(() => g([a, b])),
      read: (t) => t.data(),
    });
  }
  return modelSession<tf.Tensor>(w, mode, seed, {
    // Token ids go in as float32 (tfjs-layers' Embedding casts them); labels are float32 class ids, and a
    // next-token model's labels get tfjs-layers' expected trailing axis of 1: [n, steps, 1].
    inputs: (values, shape) => tf.tensor(Float32Array.from(values), shape, 'float32'),
    labels: (values, shape) => tf.tensor(Float32Array.from(values), shape.length > 1 ? [...shape, 1] : shape),
    ...tfjsRunner(w, mode),
  });
}
