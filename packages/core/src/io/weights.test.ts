// Weight decoding: converter-quantized weights (uint8 / uint16 affine, float16) decode as tfjs-core's own
// io.decodeWeights decodes them and as the hand-computed values; several groups and shards concatenate in
// manifest order; cell-scoped recurrent names match the layer's weights; size errors name the weight.
import '@tensorflow/tfjs-backend-cpu';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';
import type { ModelArtifacts, WeightSpec } from './types.js';
import { canonicalWeightName, halfToFloat, locateWeights, readWeight } from './weights.js';

let tmp = '';
beforeAll(async () => {
  await tf.setBackend('cpu');
  await nr.setBackend(cpu({ fast: false }));
  tmp = await mkdtemp(join(tmpdir(), 'neurona-weights-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** A small saved model (conv, dense) and an input for it. */
async function savedModel(): Promise<{ model: nr.Sequential; a: ModelArtifacts; x: nr.Tensor }> {
  nr.seed(3);
  const model = nr.sequential({
    layers: [
      nr.layers.conv2d({ filters: 3, kernelSize: 2, activation: 'relu', inputShape: [4, 4, 2] }),
      nr.layers.flatten(),
      nr.layers.dense({ units: 5, activation: 'tanh' }),
    ],
  });
  const h = nr.io.memory();
  await model.save(h);
  const rng = new nr.Rng(9);
  const x = nr.tensor(
    Float32Array.from({ length: 2 * 4 * 4 * 2 }, () => rng.uniform() * 2 - 1),
    [2, 4, 4, 2],
  );
  return { model, a: h.artifacts!, x };
}

/** Quantize every float32 weight of artifacts the way the converter does (per-tensor affine uint8). */
function quantizeUint8(a: ModelArtifacts): ModelArtifacts {
  const parts: Uint8Array[] = [];
  const specs: WeightSpec[] = locateWeights(a.weightSpecs).map((l) => {
    const v = readWeight(a.weightData, l);
    let min = Math.min(...v);
    const max = Math.max(...v);
    if (min === max) min = max - 1;
    const scale = (max - min) / 255;
    parts.push(Uint8Array.from(v, (x) => Math.round((x - min) / scale)));
    return { ...l.spec, quantization: { dtype: 'uint8', min, scale } };
  });
  const data = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    data.set(p, at);
    at += p.length;
  }
  return { ...a, weightSpecs: specs, weightData: data.buffer };
}

describe('weight decoding', () => {
  it('dequantizes uint8, uint16 (int32, rounded) and float16 weights as tfjs-core io.decodeWeights does', async () => {
    const q8 = [0, 1, 17, 128, 254, 255];
    const q16 = [0, 3, 401, 65535];
    // 1, -2, 0.333251953125, 65504 (largest half), 2^-24 (smallest subnormal), 2^-14, -0, +Infinity
    const h16 = [0x3c00, 0xc000, 0x3555, 0x7bff, 0x0001, 0x0400, 0x8000, 0x7c00];
    const specs: WeightSpec[] = [
      {
        name: 'a',
        shape: [2, 3],
        dtype: 'float32',
        quantization: { dtype: 'uint8', min: -1, scale: 2 / 255 },
      },
      { name: 'b', shape: [4], dtype: 'int32', quantization: { dtype: 'uint16', min: -100, scale: 0.3 } },
      { name: 'c', shape: [8], dtype: 'float32', quantization: { dtype: 'float16' } },
    ];
    const buf = new ArrayBuffer(6 + 8 + 16);
    const view = new DataView(buf);
    for (const [i, q] of q8.entries()) view.setUint8(i, q);
    for (const [i, q] of q16.entries()) view.setUint16(6 + 2 * i, q, true);
    for (const [i, q] of h16.entries()) view.setUint16(14 + 2 * i, q, true);
    const located = locateWeights(specs);
    expect(located.map((l) => [l.offset, l.bytes])).toEqual([
      [0, 6],
      [6, 8],
      [14, 16],
    ]);
    const ours = located.map((l) => readWeight(buf, l));
    const hand = [
      Float32Array.from(q8, (q) => q * (2 / 255) - 1),
      Int32Array.from(q16, (q) => Math.round(q * 0.3 - 100)),
      Float32Array.from([1, -2, 0.333251953125, 65504, 2 ** -24, 2 ** -14, -0, Number.POSITIVE_INFINITY]),
    ];
    const theirs = tf.io.decodeWeights(buf, specs as tf.io.WeightsManifestEntry[]);
    for (const [i, s] of specs.entries()) {
      expect(ours[i]).toEqual(hand[i]);
      expect(Array.from(ours[i]!)).toEqual(Array.from(await theirs[s.name]!.data()));
    }
    expect(ours[1]).toBeInstanceOf(Int32Array);
    expect(Object.is(ours[2]![6], -0)).toBe(true);
    expect(halfToFloat(0x7e00)).toBeNaN();
    // Writers that put the stored type in `dtype` and the value type in `original_dtype` decode the same.
    const alt = {
      ...specs[0]!,
      dtype: 'uint8',
      quantization: { ...specs[0]!.quantization!, original_dtype: 'float32' },
    };
    expect(readWeight(buf, locateWeights([alt as WeightSpec])[0]!)).toEqual(hand[0]);
    tf.dispose(Object.values(theirs));
  });

  it('loads a uint8-quantized model with the same predictions as tfjs-layers on the same file', async () => {
    const { model, a, x } = await savedModel();
    const qa = quantizeUint8(a);
    expect(qa.weightData.byteLength * 4).toBe(a.weightData.byteLength);
    const loaded = await nr.loadModel(nr.io.memory(qa));
    const theirs = await tfl.loadLayersModel(tf.io.fromMemory(qa as tf.io.ModelArtifacts));
    const y = loaded.predict(x) as nr.Tensor;
    const tx = tf.tensor(await x.data(), x.shape as number[]);
    const ty = theirs.predict(tx) as tf.Tensor;
    const [ours, want] = [await y.data(), await ty.data()];
    for (let i = 0; i < want.length; i++) expect(Math.abs(ours[i]! - want[i]!)).toBeLessThan(1e-6);
    // and close to the unquantized model (uint8 steps are 1/255 of each weight's range)
    const y0 = model.predict(x);
    const exact = await y0.data();
    for (let i = 0; i < want.length; i++) expect(Math.abs(ours[i]! - exact[i]!)).toBeLessThan(0.05);
    nr.dispose([x, y, y0]);
    tf.dispose([tx, ty]);
    theirs.dispose();
    loaded.dispose();
    model.dispose();
  });

  it('reads several groups and shards from any-name.json, relative to the JSON file, in manifest order', async () => {
    const { model, a, x } = await savedModel();
    const dir = join(tmp, 'shards');
    await mkdir(join(dir, 'sub'), { recursive: true });
    const bytes = new Uint8Array(a.weightData);
    const cut = [0, 13, 50, bytes.length]; // shard borders inside weights on purpose
    const k = 2; // conv kernel and bias in group 1, dense weights in group 2
    const g1 = locateWeights(a.weightSpecs)[k]!.offset;
    await writeFile(join(dir, 'g1-a.bin'), bytes.slice(cut[0], cut[1]));
    await writeFile(join(dir, 'g1-b.bin'), bytes.slice(cut[1], g1));
    await writeFile(join(dir, 'sub', 'g2.bin'), bytes.slice(g1));
    const manifest = [
      { paths: ['./g1-a.bin', 'g1-b.bin'], weights: a.weightSpecs.slice(0, k) },
      { paths: ['./sub/g2.bin'], weights: a.weightSpecs.slice(k) },
    ];
    await writeFile(
      join(dir, 'my-model.json'),
      JSON.stringify({ modelTopology: a.modelTopology, weightsManifest: manifest }),
    );
    const loaded = await nr.loadModel(`file://${join(dir, 'my-model.json')}`);
    const [y0, y1] = [model.predict(x), loaded.predict(x) as nr.Tensor];
    expect(Array.from(await y1.data())).toEqual(Array.from(await y0.data()));
    nr.dispose([y0, y1]);
    loaded.dispose();
    // A missing shard names the file and the weights it holds; paths leaving the directory are refused.
    await rm(join(dir, 'sub', 'g2.bin'));
    await expect(nr.loadModel(`file://${join(dir, 'my-model.json')}`)).rejects.toThrow(
      `loadModel: weight file ${join(dir, 'sub', 'g2.bin')} (weightsManifest[1].paths[0] of ${join(dir, 'my-model.json')}, holding part of ${a.weightSpecs[k]!.name}, ${a.weightSpecs[k + 1]!.name}) cannot be read: ENOENT`,
    );
    manifest[1]!.paths = ['../elsewhere.bin'];
    await writeFile(
      join(dir, 'model.json'),
      JSON.stringify({ modelTopology: a.modelTopology, weightsManifest: manifest }),
    );
    await expect(nr.loadModel(`file://${dir}`)).rejects.toThrow(
      /paths\[0\] "\.\.\/elsewhere\.bin" points outside/,
    );
    nr.dispose(x);
    model.dispose();
  });

  it('matches cell-scoped recurrent weight names (lstm/lstm_cell/kernel) to the layer weights', async () => {
    expect(canonicalWeightName('lstm_1/lstm_cell/kernel')).toBe('lstm_1/kernel');
    expect(canonicalWeightName('bidirectional/forward_gru/gru_cell_2/bias')).toBe(
      'bidirectional/forward_gru/bias',
    );
    expect(canonicalWeightName('dense/kernel')).toBe('dense/kernel');
    expect(canonicalWeightName('my_cell/kernel')).toBe('my_cell/kernel');
    nr.seed(4);
    const model = nr.sequential({
      layers: [nr.layers.lstm({ units: 3, inputShape: [4, 2] }), nr.layers.dense({ units: 2 })],
    });
    const h = nr.io.memory();
    await model.save(h);
    const a = h.artifacts!;
    const renamed = a.weightSpecs.map((s) => ({
      ...s,
      name: s.name.replace(/^(lstm[^/]*)\//, '$1/lstm_cell/'),
    }));
    expect(renamed.filter((s) => s.name.includes('/lstm_cell/'))).toHaveLength(3);
    const loaded = await nr.loadModel(nr.io.memory({ ...a, weightSpecs: renamed }));
    const x = nr.tensor(
      Float32Array.from({ length: 16 }, (_, i) => Math.sin(i)),
      [2, 4, 2],
    );
    const [y0, y1] = [model.predict(x), loaded.predict(x) as nr.Tensor];
    expect(Array.from(await y1.data())).toEqual(Array.from(await y0.data()));
    nr.dispose([x, y0, y1]);
    model.dispose();
    loaded.dispose();
  });

  it('names the weight, its size and whether quantization was expected when the data is too short', async () => {
    const { model, a, x } = await savedModel();
    const before = nr.memory().numTensors;
    const qa = quantizeUint8(a);
    const short = { ...qa, weightData: qa.weightData.slice(0, qa.weightData.byteLength - 1) };
    const last = a.weightSpecs[a.weightSpecs.length - 1]!;
    const n = qa.weightData.byteLength;
    await expect(nr.loadModel(nr.io.memory(short))).rejects.toThrow(
      `loadModel: weightsManifest: weight '${last.name}' (uint8-quantized float32, shape [${last.shape.join(', ')}]) needs ${last.shape[0]} bytes at offset ${n - last.shape[0]!}, but the weight data has ${n - 1} bytes (the manifest needs ${n}; some weights are quantized).`,
    );
    // Quantized bytes under a manifest without 'quantization': the message says quantization is likely.
    await expect(nr.loadModel(nr.io.memory({ ...a, weightData: qa.weightData }))).rejects.toThrow(
      /no weight is quantized\)\. The data is 1\/4 of the size the manifest expects: were the weights quantized without a 'quantization' entry/,
    );
    const bad = {
      ...a,
      weightSpecs: a.weightSpecs.map((s, i) => (i ? s : { ...s, quantization: { dtype: 'int4' } })),
    };
    await expect(nr.loadModel(nr.io.memory(bad as ModelArtifacts))).rejects.toThrow(
      `loadModel: weightSpecs[0].quantization.dtype must be one of 'uint8', 'uint16', 'float16', got the string "int4"`,
    );
    const noScale = {
      ...a,
      weightSpecs: a.weightSpecs.map((s) => ({ ...s, quantization: { dtype: 'uint8' } })),
    };
    await expect(nr.loadModel(nr.io.memory(noScale as ModelArtifacts))).rejects.toThrow(
      "loadModel: weightSpecs[0].quantization.min must be a finite number (uint8 quantization needs 'min' and 'scale'), got nothing",
    );
    expect(nr.memory().numTensors).toBe(before);
    nr.dispose(x);
    model.dispose();
  });
});
