// Validate-before-build, case by case: each malformed file is refused with one plain Error naming the field
// path and the expected and actual values, before any tensor is made; nothing is left allocated.
import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';
import { fromModelJson, toModelJson } from './model-json.js';
import type { JsonValue, ModelArtifacts } from './types.js';
import { MAX_JSON_DEPTH } from './validate-json.js';

type Obj = { [key: string]: JsonValue };
let clean: ModelArtifacts;

beforeAll(async () => {
  await nr.setBackend(cpu());
  const model = nr.sequential({
    layers: [
      nr.layers.dense({ units: 3, activation: 'relu', inputShape: [2] }),
      nr.layers.dense({ units: 1, name: 'out' }),
    ],
  });
  const h = nr.io.memory();
  await model.save(h);
  model.dispose();
  clean = h.artifacts!;
});

/** A copy of the clean artifacts after `edit` (on the topology's layers, the specs and the artifacts). */
function edited(edit: (layers: Obj[], a: ModelArtifacts) => void): ModelArtifacts {
  const a: ModelArtifacts = {
    ...structuredClone({ ...clean, weightData: undefined }),
    weightData: clean.weightData.slice(0),
  } as ModelArtifacts;
  edit((a.modelTopology.config as { layers: Obj[] }).layers, a);
  return a;
}
const configOf = (layers: Obj[], i: number) => layers[i]!.config as Obj;

const cases: [string, () => ModelArtifacts, string | RegExp][] = [
  [
    'a retyped units',
    () => edited((l) => (configOf(l, 0).units = '3')),
    `loadModel: modelTopology.config.layers[0].config.units (Dense 'dense') must be a whole number in [1, 2147483647], got the string "3"`,
  ],
  [
    'an initializer that is a number',
    () => edited((l) => (configOf(l, 0).kernel_initializer = 5)),
    /layers\[0\]\.config\.kernel_initializer \(Dense '.*'\) must be an initializer name or \{ class_name, config \}, got the number 5/,
  ],
  [
    'an initializer class named like an Object.prototype member',
    () => edited((l) => (configOf(l, 0).kernel_initializer = { class_name: 'constructor', config: {} })),
    /layers\[0\]\.config \(Dense '.*'\): .*unknown initializer 'constructor'/,
  ],
  [
    "an activation named 'toString'",
    () => edited((l) => (configOf(l, 0).activation = 'toString')),
    /layers\[0\]\.config \(Dense '.*'\): .*unknown activation 'toString'/,
  ],
  [
    'a __proto__ key',
    () =>
      edited((l) => {
        Object.defineProperty(configOf(l, 1), '__proto__', { value: { units: 7 }, enumerable: true });
      }),
    "loadModel: modelTopology.config.layers[1].config.__proto__: the key '__proto__' is not allowed in a model file (its value is an object)",
  ],
  [
    'nesting deeper than the limit',
    () =>
      edited((l) => {
        let v: JsonValue = 1;
        for (let i = 0; i < 100_000; i++) v = [v];
        configOf(l, 1).extra = v;
      }),
    `is nested more than ${MAX_JSON_DEPTH} levels deep`,
  ],
  [
    'a layer asking for more weights than the file holds',
    () => edited((l) => (configOf(l, 1).units = 1_000_000_000)),
    /loadModel: modelTopology\.config\.layers.*weight 'out\/kernel' would hold 3000000000 values \(shape \[3, 1000000000\]\), more than the weightsManifest has left/,
  ],
  [
    'a negative size in the manifest',
    () => edited((_l, a) => (a.weightSpecs[0]!.shape = [2, -3])),
    'loadModel: weightSpecs[0].shape[1] must be a whole number in [0, 2147483647], got the number -3',
  ],
  [
    'a manifest dtype Neurona does not store',
    () => edited((_l, a) => (a.weightSpecs[1]!.dtype = 'complex64' as never)),
    "loadModel: weightSpecs[1].dtype must be one of 'float32', 'int32', 'bool' (or a quantized weight), got the string \"complex64\"",
  ],
  [
    'a weight named twice',
    () => edited((_l, a) => a.weightSpecs.push(structuredClone(a.weightSpecs[0]!))),
    /loadModel: weightSpecs\[4\]\.name '.*kernel' is also the name of weightSpecs\[0\]/,
  ],
  [
    'weight data longer than the manifest declares',
    () => edited((_l, a) => (a.weightData = new ArrayBuffer(clean.weightData.byteLength + 4))),
    /^loadModel: weightData has 56 bytes, but the weights manifest declares 52: the weight files are longer/,
  ],
  [
    'a float weight stored as int32',
    () => edited((_l, a) => (a.weightSpecs[1]!.dtype = 'int32')),
    /loadModel: weightsManifest: weight '.*bias' has dtype 'int32' in the file, but the layer's weight is float32/,
  ],
  [
    'a layer deleted from the topology (its weights stay in the file)',
    () => edited((l) => l.splice(1, 1)),
    "loadModel: weightsManifest: weights 'out/kernel', 'out/bias' of the file belong to no layer",
  ],
];

describe('validate before build', () => {
  it.each(cases)('%s', async (_name, make, message) => {
    const a = make();
    const before = nr.memory().numTensors;
    let error: unknown = null;
    try {
      (await nr.loadModel(nr.io.memory(a))).dispose();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).constructor).toBe(Error);
    expect((error as Error).message).toMatch(
      typeof message === 'string' ? new RegExp(escapeRegExp(message)) : message,
    );
    expect(nr.memory().numTensors).toBe(before);
  });

  it('names the manifest entry of a model.json by its group and index, and an unreadable weight file', async () => {
    const json = structuredClone(toModelJson(clean, ['w.bin'])) as { weightsManifest: { weights: Obj[] }[] };
    json.weightsManifest[0]!.weights[2]!.shape = [1.5];
    await expect(fromModelJson(json, 'model.json', async () => new Uint8Array(32))).rejects.toThrow(
      'loadModel: model.json: weightsManifest[0].weights[2].shape[0] must be a whole number in [0, 2147483647], got the number 1.5',
    );
    const ok = toModelJson(clean, ['w.bin']);
    await expect(
      fromModelJson(ok, 'model.json', async () => {
        throw new Error('GET w.bin answered 404 Not Found');
      }),
    ).rejects.toThrow(
      "loadModel: model.json: weightsManifest[0].paths[0] names weight file 'w.bin', which cannot be read: GET w.bin answered 404",
    );
  });

  it('names the node when a one-input layer is given several tensors (a merge layer renamed)', async () => {
    const a = nr.input({ shape: [2], name: 'a' });
    const b = nr.input({ shape: [2], name: 'b' });
    const sum = nr.layers.add({ name: 'sum' }).apply([a, b]) as nr.SymbolicTensor;
    const model = nr.model({ inputs: [a, b], outputs: sum });
    const h = nr.io.memory();
    await model.save(h);
    model.dispose();
    const layers = (h.artifacts!.modelTopology.config as { layers: Obj[] }).layers;
    layers[2]!.class_name = 'Flatten';
    await expect(nr.loadModel(nr.io.memory(h.artifacts!))).rejects.toThrow(
      "loadModel: modelTopology.config.layers[2] ('sum').inbound_nodes[0]: Flatten 'sum' cannot be applied to the 2 tensors this node names",
    );
  });

  it('still loads the clean file, predicting what the saved model predicted', async () => {
    const model = await nr.loadModel(nr.io.memory(clean));
    const x = nr.tensor2d([[0.5, -1]]);
    const ws = model.getWeights();
    const [k, b, k2, b2] = ws.map((w) => Array.from(w.dataSync()));
    nr.dispose(ws);
    // Hand-computed: relu(x K + b) K2 + b2.
    const h = [0, 1, 2].map((j) => Math.max(0, 0.5 * k![j]! - 1 * k![3 + j]! + b![j]!));
    const want = h.reduce((s, v, j) => s + v * k2![j]!, b2![0]!);
    const y = model.predict(x) as nr.Tensor;
    expect(y.dataSync()[0]).toBeCloseTo(want, 5);
    nr.dispose([x, y]);
    model.dispose();
  });
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
