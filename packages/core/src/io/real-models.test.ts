// Real TensorFlow.js LayersModel files published by other projects (../shared/models/real-tfjs, read at run
// time, never copied): each loads in Neurona and in tfjs-layers 4.22 (the oracle) from the same artifacts, and
// both predict the same on seeded random inputs, to 1e-4 of the largest output. Folders whose weights were
// not published get seeded random weights that fit the manifest, fed to both loaders.
import '@tensorflow/tfjs-backend-cpu';
// tfjs's initializers (run before its weights are set) need the chained ops its ESM build leaves out.
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';
import { readModelFiles } from '../node/file-load.js';
import { randomWeightData } from './testing/random-weights.js';
import { fixTfjsCpuBatchNorm } from './testing/tfjs-batchnorm-fix.js';
import type { ModelArtifacts, WeightSpec } from './types.js';

const ROOT =
  process.env.NEURONA_REAL_TFJS ??
  resolve(dirname(fileURLToPath(import.meta.url)), '../../../../../shared/models/real-tfjs');

/**
 * Models that cannot load in Neurona yet, with what they lack. Each runs as an expected failure, so it turns
 * red the day it loads and matches: then remove it from this list. Updated after each merge of main.
 */
/** Folders that run as expected failures, with what Neurona still lacks for them (none today). */
const EXPECTED_FAILURES: Record<string, string> = {};

interface Source {
  id: string;
  weights: 'complete' | 'partial' | 'none';
  architecture: string;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  // tfjs-backend-cpu 4.22 broadcasts batch-norm parameters along the last axis only: wrong for channels-first
  // BatchNormalization (ml5-dcgan-face, axis 1). The oracle runs a shape-broadcasting kernel instead (tested below).
  fixTfjsCpuBatchNorm();
  await nr.setBackend(cpu());
});

/** Every layer of a tfjs model, nested models included. */
function tfjsLayers(m: tfl.LayersModel): tfl.layers.Layer[] {
  return m.layers.flatMap((l) => (l instanceof tfl.LayersModel ? [l, ...tfjsLayers(l)] : [l]));
}

/** Seeded inputs for each model input: unknown dimensions set, integer ids when the model embeds its input. */
function randomInputs(theirs: tfl.LayersModel, seed: number): { data: Float32Array; shape: number[] }[] {
  const rng = new nr.Rng(seed);
  const embedding = tfjsLayers(theirs).find((l) => l.getClassName() === 'Embedding');
  const ids = embedding ? (embedding.getConfig().inputDim as number) : 0;
  return theirs.inputs.map((input) => {
    const shape = input.shape.map((d, i) => (d === null ? (i === 0 ? 2 : 12) : d));
    const big = shape.slice(1).reduce((p, d) => p * d, 1) > 50_000;
    if (big) shape[0] = 1;
    const data = new Float32Array(shape.reduce((p, d) => p * d, 1));
    for (let i = 0; i < data.length; i++) data[i] = ids ? rng.int(ids) : rng.uniform() * 2 - 1;
    return { data, shape };
  });
}

async function compare(folder: string, source: Source): Promise<void> {
  const dir = join(ROOT, folder);
  const jsonPath = join(dir, 'model.json');
  let artifacts: ModelArtifacts;
  let ours: nr.LayersModel;
  if (source.weights === 'complete') {
    artifacts = await readModelFiles(jsonPath);
    ours = await nr.loadModel(`file://${jsonPath}`);
  } else {
    const file = JSON.parse(readFileSync(jsonPath, 'utf8'));
    const weightSpecs = (file.weightsManifest as { weights: WeightSpec[] }[]).flatMap((g) => g.weights);
    artifacts = {
      modelTopology: file.modelTopology,
      weightSpecs,
      weightData: randomWeightData(weightSpecs, 7),
    };
    ours = await nr.loadModel(nr.io.memory(artifacts));
  }
  const theirs = await tfl.loadLayersModel(tf.io.fromMemory(artifacts as tf.io.ModelArtifacts));
  try {
    const inputs = randomInputs(theirs, 3);
    const before = nr.memory().numTensors;
    const xs = inputs.map(({ data, shape }) => nr.tensor(data, shape));
    const y = ours.predict(xs.length === 1 ? xs[0]! : xs) as nr.Tensor;
    const got = await y.data();
    nr.dispose([...xs, y]);
    expect(nr.memory().numTensors).toBe(before);
    const txs = inputs.map(({ data, shape }) => tf.tensor(data, shape));
    const ty = theirs.predict(txs.length === 1 ? txs[0]! : txs) as tf.Tensor;
    const want = await ty.data();
    tf.dispose([...txs, ty]);
    expect(got.length).toBe(want.length);
    let largest = 0;
    let worst = 0;
    for (let i = 0; i < want.length; i++) {
      largest = Math.max(largest, Math.abs(want[i]!));
      worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
    }
    expect(largest).toBeGreaterThan(0);
    expect(worst).toBeLessThanOrEqual(1e-4 * largest);
  } finally {
    ours.dispose();
    theirs.dispose();
  }
}

const folders = existsSync(ROOT)
  ? readdirSync(ROOT, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(ROOT, d.name, 'model.json')))
      .map((d) => d.name)
      .sort()
  : [];

describe('real TensorFlow.js LayersModel files load and predict as in tfjs-layers 4.22', () => {
  if (folders.length === 0) {
    const reason = `the real-model corpus is missing at ${ROOT} (the shared folder ../shared/models/real-tfjs next to the repository, or set NEURONA_REAL_TFJS to its path)`;
    if (process.env.CI) {
      it('has the real-model corpus', () => {
        throw new Error(reason);
      });
    } else {
      console.warn(`skipping real-model tests: ${reason}`);
      it.skip(`real models (${reason})`, () => {});
    }
    return;
  }
  for (const folder of folders) {
    const source = JSON.parse(readFileSync(join(ROOT, folder, 'source.json'), 'utf8')) as Source;
    const expected = EXPECTED_FAILURES[folder];
    const title = `${folder} (${source.architecture.slice(0, 60)}; weights ${source.weights})`;
    if (expected)
      it.fails(
        `${title}: expected to fail until Neurona has: ${expected}`,
        () => compare(folder, source),
        120_000,
      );
    else it(title, () => compare(folder, source), 120_000);
  }
  it("the oracle's batch norm broadcasts by shape, as tfjs-core's own element-wise ops compute it", () => {
    const x = tf.randomUniform([2, 3, 4, 5], -1, 1, 'float32', 1);
    const p = (seed: number, lo: number) => tf.randomUniform([1, 3, 1, 1], lo, 1, 'float32', seed);
    const [m, v, g, b] = [p(2, -1), p(3, 0.1), p(4, 0.1), p(5, -1)];
    const got = tf.batchNorm(x, m, v, b, g, 0.001).dataSync();
    const want = x.sub(m).div(v.add(0.001).sqrt()).mul(g).add(b).dataSync();
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(1e-5);
  });
  it('lists as expected failures only folders that exist', () => {
    expect(Object.keys(EXPECTED_FAILURES).filter((f) => !folders.includes(f))).toEqual([]);
  });
});
