/**
 * Sessions on TensorFlow.js 4.22 (the peers): the same model in tfjs-layers, the same initialisers, Adam
 * with the same hyper-parameters, `model.fit` and `model.predict`.
 *
 * tfjs keeps one global engine and kernel registry per process; the bench runs each peer cell in its
 * own child process, and in-process runs switch backends with `tf.setBackend` and unregister the patch.
 */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { patchCalls, registerWasmPatches } from './conv2d-backprop-filter-patch.js';
import { randomFloats, randomLabels } from './data.js';
import type { Session } from './measure.js';
import type { LayerSpec, MatmulWorkload, Mode, ModelWorkload, Workload } from './workloads.js';

/**
 * The peer columns this module runs.
 *
 * @example
 * ```ts
 * const c: PeerColumn = 'tfjs-wasm';
 * ```
 */
export type PeerColumn = 'tfjs-cpu' | 'tfjs-wasm' | 'tfjs-wasm+patch';

type TfLayer = Parameters<tfl.Sequential['add']>[0];

/**
 * tfjs-layers' orthogonal initializer (the default for recurrent kernels) calls the chained tensor
 * methods `flatten`, `stridedSlice`, `sign`, `transpose` and `reshape`. The `@tensorflow/tfjs` union
 * package installs them on `Tensor.prototype`; the separate packages we use do not, so we install the
 * few that are needed, each a plain call of the tfjs-core op.
 */
function installChainedOps(): void {
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
    case 'simpleRNN':
      return tfl.layers.simpleRNN({ ...first, units: spec.units });
    case 'lstm':
      return tfl.layers.lstm({ ...first, units: spec.units, unitForgetBias: true });
    case 'gru':
      return tfl.layers.gru({ ...first, units: spec.units });
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
  const model = tfl.sequential({
    layers: w.layers.map((l, i) => tfLayer(l, i === 0 ? [...w.inputShape] : undefined)),
  });
  model.compile({ optimizer: tf.train.adam(0.001, 0.9, 0.999, 1e-7), loss: 'sparseCategoricalCrossentropy' });
  return model;
}

function modelSession(w: ModelWorkload, mode: Mode, seed: number): Session {
  const model = tfjsModel(w);
  const perExample = w.inputShape.reduce((a, b) => a * b, 1);
  // Training fits over all prepared batches at once; inference predicts batch by batch (one call per
  // batch, as a server would: tfjs-layers' predict over many batches at once is super-linear on wasm).
  let x: tf.Tensor | null = null;
  let y: tf.Tensor | null = null;
  let batches: tf.Tensor[] = [];
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
        x = tf.tensor(data, [n, ...w.inputShape]);
        y = tf.tensor1d(Float32Array.from(randomLabels(n, w.classes, seed)), 'float32');
        return;
      }
      const size = w.batchSize * perExample;
      for (let i = 0; i < count; i++) {
        batches.push(tf.tensor(data.subarray(i * size, (i + 1) * size), [w.batchSize, ...w.inputShape]));
      }
    },
    async run() {
      if (mode === 'train') {
        if (!x || !y) throw new Error(`tfjs session '${w.name}': run() before prepare()`);
        await model.fit(x, y, { epochs: 1, batchSize: w.batchSize, shuffle: false, verbose: 0 });
        return;
      }
      for (const b of batches) {
        const p = model.predict(b, { batchSize: w.batchSize }) as tf.Tensor;
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
  const a = tf.tensor2d(randomFloats(w.n * w.n, seed), [w.n, w.n]);
  const b = tf.tensor2d(randomFloats(w.n * w.n, seed + 1), [w.n, w.n]);
  const g = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.matMul(p as tf.Tensor2D, q as tf.Tensor2D)));
  let count = 1;
  return {
    prepare(batches) {
      count = batches;
    },
    async run() {
      for (let i = 0; i < count; i++) {
        const outs = mode === 'train' ? tf.tidy(() => g([a, b])) : [tf.matMul(a, b)];
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
 * A peer session plus facts worth reporting (backend, SIMD, threads, patched kernels and their calls).
 *
 * @example
 * ```ts
 * const { session, release, facts } = await tfjsSession('tfjs-cpu', findWorkload('mlp', true), 'infer', 1);
 * ```
 */
export interface PeerSession {
  session: Session;
  /** Dispose the session and undo the column's global changes (the patch). */
  release(): void;
  facts(): Record<string, string | number | boolean>;
}

/**
 * Select the column's tfjs backend (registering the patch for `tfjs-wasm+patch`) and build a session.
 *
 * @example
 * ```ts
 * const peer = await tfjsSession('tfjs-wasm', findWorkload('matmul-64', true), 'infer', 1);
 * peer.session.prepare(1); await peer.session.run(); peer.release();
 * ```
 */
export async function tfjsSession(
  column: PeerColumn,
  w: Workload,
  mode: Mode,
  seed: number,
): Promise<PeerSession> {
  tf.env().set('PROD', true); // silences the "install tfjs-node" banner; kernels are unaffected
  installChainedOps();
  const backendName = column === 'tfjs-cpu' ? 'cpu' : 'wasm';
  if (!(await tf.setBackend(backendName)))
    throw new Error(`${column}: tf.setBackend('${backendName}') failed`);
  await tf.ready();
  const patch = column === 'tfjs-wasm+patch' ? registerWasmPatches() : { names: [], unregister: () => {} };
  const before = { ...patchCalls };
  let session: Session;
  try {
    session = w.kind === 'matmul' ? matmulSession(w, mode, seed) : modelSession(w, mode, seed);
  } catch (e) {
    patch.unregister();
    throw e;
  }
  return {
    session,
    release() {
      session.dispose();
      patch.unregister();
    },
    facts() {
      const f: Record<string, string | number | boolean> = {
        tfjsVersion: tf.version_core,
        backend: backendName,
      };
      if (backendName === 'wasm') {
        f.wasmSimd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
        f.wasmThreads = getThreadsCount();
      }
      for (const n of patch.names) f[`patch ${n} calls`] = (patchCalls[n] ?? 0) - (before[n] ?? 0);
      return f;
    },
  };
}
