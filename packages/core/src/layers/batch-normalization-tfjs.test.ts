// BatchNormalization at inference (the one-pass channelAffine path, and the per-axis path for a feature
// axis that is not last) against tfjs-layers 4.22 and a float64 loop written here, with the same random
// weights, on the fast and reference CPU kernels: odd channel counts, batch 1, center/scale off.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';
import { batchNormalization } from './batch-normalization.js';
import { testLayer } from './testing/harness.js';
import { expectClose, randomData } from './testing/tfjs.js';

interface Case {
  readonly shape: number[];
  readonly axis: number;
  readonly center: boolean;
  readonly scale: boolean;
}

const CASES: Case[] = [
  { shape: [1, 5, 5, 3], axis: -1, center: true, scale: true },
  { shape: [2, 7, 33], axis: -1, center: true, scale: true },
  { shape: [1, 9], axis: -1, center: true, scale: false },
  { shape: [3, 4, 4, 5], axis: -1, center: false, scale: true },
  { shape: [1, 112, 112, 32], axis: -1, center: true, scale: true }, // split over threads on the fast kernels
  { shape: [2, 3, 4, 5], axis: 1, center: true, scale: true },
];

/** gamma, beta, moving mean and moving variance (positive) for `c` features, as the layer orders them. */
function weights(c: number, k: Case, seed: number): Float32Array[] {
  const gamma = randomData([c], seed).map((v) => v * 2);
  const beta = randomData([c], seed + 1);
  const mean = randomData([c], seed + 2).map((v) => v * 0.5);
  const variance = randomData([c], seed + 3).map((v) => v + 1.5);
  return [...(k.scale ? [gamma] : []), ...(k.center ? [beta] : []), mean, variance];
}

/** gamma * (x - mean) / sqrt(variance + eps) + beta in float64, feature `f` at `axis`. */
function float64(x: Float32Array, k: Case, ws: Float32Array[], eps: number): Float64Array {
  const ax = k.axis < 0 ? k.shape.length + k.axis : k.axis;
  const inner = k.shape.slice(ax + 1).reduce((a, b) => a * b, 1);
  const c = k.shape[ax]!;
  let i = 0;
  const gamma = k.scale ? ws[i++]! : null;
  const beta = k.center ? ws[i++]! : null;
  const [mean, variance] = [ws[i]!, ws[i + 1]!];
  const y = new Float64Array(x.length);
  for (let e = 0; e < x.length; e++) {
    const f = Math.floor(e / inner) % c;
    const norm = (x[e]! - mean[f]!) / Math.sqrt(variance[f]! + eps);
    y[e] = (gamma ? gamma[f]! : 1) * norm + (beta ? beta[f]! : 0);
  }
  return y;
}

const label = (k: Case): string =>
  `[${k.shape}] axis ${k.axis}${k.center ? '' : ', no center'}${k.scale ? '' : ', no scale'}`;

describe.each([
  ['fast kernels', cpu()],
  ['reference kernels', cpu({ fast: false })],
] as const)('BatchNormalization inference against tfjs-layers 4.22 and float64 (%s)', (_l, backend) => {
  afterAll(() => tf.disposeVariables());

  it.each(CASES.map((k) => [label(k), k] as const))('%s', async (_name, k) => {
    await nr.setBackend(backend);
    await tf.setBackend('cpu');
    const eps = 1e-3;
    const c = k.shape[k.axis < 0 ? k.shape.length + k.axis : k.axis]!;
    const ws = weights(c, k, 11);
    const data = randomData(k.shape, 5).map((v) => v * 3);
    const before = nr.memory().numTensors;
    const bn = batchNormalization({ axis: k.axis, epsilon: eps, center: k.center, scale: k.scale });
    const x = nr.tensor(data, k.shape);
    nr.dispose(bn.apply(x)); // build
    const wts = ws.map((w) => nr.tensor(w, [c]));
    bn.setWeights(wts);
    const y = bn.apply(x);
    const ours = await y.data();
    const want = float64(data, k, ws, eps);
    nr.dispose([x, y, ...wts]);
    bn.dispose();
    expect(nr.memory().numTensors).toBe(before);

    const layer = tfl.layers.batchNormalization({
      axis: k.axis,
      epsilon: eps,
      center: k.center,
      scale: k.scale,
    });
    // tfjs gets copies: its CPU backend keeps the arrays it is given.
    const tx = tf.tensor(data.slice(), k.shape);
    layer.apply(tx); // build
    const tws = ws.map((w) => tf.tensor(w.slice(), [c]));
    layer.setWeights(tws);
    const ty = layer.apply(tx) as tf.Tensor;
    expectClose(ours, want, 1e-5);
    // tfjs-layers 4.22 at inference reads the statistics along the last axis whatever `axis` says (its
    // element 1 of [2, 3, 4, 5] with axis 1 uses feature 1): for other axes float64 is the reference.
    if (k.axis === -1) expectClose(ours, await ty.data(), 1e-5);
    tf.dispose([tx, ty, ...tws]);
    layer.dispose();
  });
});

// Gradients at inference (x, gamma, beta through the folded scale) by finite differences: odd channels, batch 1.
const gammaAwayFrom1 = () =>
  batchNormalization({
    gammaInitializer: { className: 'RandomUniform', config: { minval: 0.5, maxval: 1.5 } },
  });
testLayer('BatchNormalization NHWC inference, 5 channels, batch 1', gammaAwayFrom1, [1, 3, 3, 5]);
testLayer('BatchNormalization inference, 7 features', gammaAwayFrom1, [3, 7]);
