// normalizeTopology turns every LayersModel topology variant into the canonical Keras 2 / TensorFlow.js form.
// References: hand-written canonical JSON, and tfjs-layers 4.22, which reads the canonical form (so a
// normalized topology that tfjs-layers loads and predicts with as the equivalent hand-built model keeps
// the meaning of the file).
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';
import { normalizeTopology } from './normalize.js';
import {
  dense,
  k3,
  k3Dense,
  keras3Functional,
  keras3Nested,
  keras3NestedSpecs,
  policy,
} from './testing/keras3-fixtures.js';
import { randomWeightData } from './testing/random-weights.js';
import type { JsonValue, ModelArtifacts, WeightSpec } from './types.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await nr.setBackend(cpu({ fast: false }));
});

type Obj = { [k: string]: JsonValue };

const canonicalFunctional: Obj = {
  class_name: 'Functional',
  config: {
    name: 'two_in',
    trainable: true,
    layers: [
      {
        class_name: 'InputLayer',
        config: { batch_input_shape: [null, 3], dtype: 'float32', sparse: false, name: 'a' },
        name: 'a',
        inbound_nodes: [],
      },
      {
        class_name: 'InputLayer',
        config: { batch_input_shape: [null, 2], dtype: 'float32', sparse: false, name: 'b' },
        name: 'b',
        inbound_nodes: [],
      },
      {
        class_name: 'Concatenate',
        config: { name: 'cat', trainable: true, dtype: 'float32', axis: -1 },
        name: 'cat',
        inbound_nodes: [
          [
            ['a', 0, 0, {}],
            ['b', 0, 0, {}],
          ],
        ],
      },
      {
        class_name: 'Dense',
        config: dense('out', 4, 'tanh'),
        name: 'out',
        inbound_nodes: [[['cat', 0, 0, {}]]],
      },
    ],
    input_layers: [
      ['a', 0, 0],
      ['b', 0, 0],
    ],
    output_layers: [['out', 0, 0]],
  },
};

function artifactsOf(modelTopology: Obj, weightSpecs: WeightSpec[], seed = 5): ModelArtifacts {
  return { modelTopology, weightSpecs, weightData: randomWeightData(weightSpecs, seed) };
}

function randomData(shape: number[], seed: number): Float32Array {
  const rng = new nr.Rng(seed);
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.uniform() * 2 - 1);
}

async function tfjsPredict(a: ModelArtifacts, inputs: { data: Float32Array; shape: number[] }[]) {
  const m = await tfl.loadLayersModel(tf.io.fromMemory(a as tf.io.ModelArtifacts));
  const xs = inputs.map((i) => tf.tensor(i.data, i.shape));
  const y = m.predict(xs.length === 1 ? xs[0]! : xs) as tf.Tensor;
  const out = await y.data();
  tf.dispose([...xs, y]);
  m.dispose();
  return out;
}

describe('normalizeTopology', () => {
  it('rewrites a Keras 3 functional config (args/kwargs, __keras_tensor__, batch_shape, DTypePolicy, module) to the Keras 2 form', async () => {
    const before = structuredClone(keras3Functional);
    const n = normalizeTopology({
      model_config: keras3Functional,
      keras_version: '3.8.0',
      backend: 'tensorflow',
    });
    expect(n).toEqual({ ...canonicalFunctional, keras_version: '3.8.0', backend: 'tensorflow' });
    expect(keras3Functional).toEqual(before); // the input is left alone
    expect(normalizeTopology(n)).toEqual(n); // and the canonical form is a fixed point
    // tfjs-layers reads the result as the two-input model it is.
    const specs: WeightSpec[] = [
      { name: 'out/kernel', shape: [5, 4], dtype: 'float32' },
      { name: 'out/bias', shape: [4], dtype: 'float32' },
    ];
    const a = artifactsOf(n, specs);
    const xa = randomData([2, 3], 1);
    const xb = randomData([2, 2], 2);
    const got = await tfjsPredict(a, [
      { data: xa, shape: [2, 3] },
      { data: xb, shape: [2, 2] },
    ]);
    const w = new Float32Array(a.weightData);
    for (let r = 0; r < 2; r++) {
      const x = [...xa.slice(3 * r, 3 * r + 3), ...xb.slice(2 * r, 2 * r + 2)];
      for (let j = 0; j < 4; j++) {
        let s = w[20 + j]!;
        for (let i = 0; i < 5; i++) s += x[i]! * w[4 * i + j]!;
        expect(got[4 * r + j]).toBeCloseTo(Math.tanh(s), 5);
      }
    }
  });

  it('a Keras 3 Sequential holding a Functional model becomes a nested canonical model with the same predictions', async () => {
    const n = normalizeTopology(keras3Nested);
    const layers = n.config.layers;
    expect(layers.map((l) => l.class_name)).toEqual(['InputLayer', 'Functional', 'Dense']);
    expect(layers[1]!.config.input_layers).toEqual([['x', 0, 0]]);
    expect((layers[1]!.config.layers as Obj[])[1]!.inbound_nodes).toEqual([[['x', 0, 0, {}]]]);
    expect(JSON.stringify(n)).not.toMatch(
      /registered_name|build_config|__keras_tensor__|DTypePolicy|batch_shape/,
    );
    // The same weights in a flat tfjs Sequential (Dense relu, Dense softmax) give the same predictions.
    const specs = keras3NestedSpecs;
    const flat: Obj = {
      class_name: 'Sequential',
      config: {
        name: 'flat',
        layers: [
          { class_name: 'Dense', config: { ...dense('d1', 4, 'relu'), batch_input_shape: [null, 3] } },
          { class_name: 'Dense', config: dense('head', 2, 'softmax') },
        ],
      },
    };
    const x = [{ data: randomData([3, 3], 4), shape: [3, 3] }];
    const nested = await tfjsPredict(artifactsOf(n, specs), x);
    const reference = await tfjsPredict(artifactsOf(flat, specs), x);
    expect(Array.from(nested)).toEqual(Array.from(reference));
  });

  it('loads the legacy bare-list Sequential, the model_config wrapper, Keras 3 fields and Reshape null dims in Neurona as tfjs-layers does', async () => {
    const layers: JsonValue[] = [
      k3('InputLayer', { batch_shape: [null, 6], dtype: 'float32', sparse: false, name: 'in' }),
      k3('Reshape', { name: 'r', trainable: true, dtype: policy('float32'), target_shape: [null, 2] }),
      k3('Dense', k3Dense('d', 3, 'sigmoid')),
    ];
    const topology: Obj = {
      model_config: { class_name: 'Sequential', config: layers },
      keras_version: '3.8.0',
      backend: 'tensorflow',
      training_config: { loss: 'mse' },
    };
    const specs: WeightSpec[] = [
      { name: 'd/kernel', shape: [2, 3], dtype: 'float32' },
      { name: 'd/bias', shape: [3], dtype: 'float32' },
    ];
    const a = artifactsOf(topology, specs);
    const before = nr.memory().numTensors;
    const model = await nr.loadModel(nr.io.memory(a));
    const data = randomData([4, 6], 8);
    const x = nr.tensor(data, [4, 6]);
    const y = model.predict(x) as nr.Tensor;
    const ours = await y.data();
    nr.dispose([x, y]);
    model.dispose();
    expect(nr.memory().numTensors).toBe(before);
    const theirs = await tfjsPredict(artifactsOf(normalizeTopology(topology), specs), [
      { data, shape: [4, 6] },
    ]);
    expect(ours.length).toBe(36); // [4, 3, 3]: the null dimension became 3
    for (let i = 0; i < 36; i++) expect(ours[i]).toBeCloseTo(theirs[i]!, 6);
  });

  it('names the field path, the layer and the value in its errors', () => {
    const wrap = (layer: Obj): Obj => ({
      model_config: { class_name: 'Sequential', config: { name: 's', layers: [layer] } },
    });
    expect(() =>
      normalizeTopology(wrap(k3('Conv2D', { name: 'conv2d', dtype: policy('mixed_float16'), filters: 2 }))),
    ).toThrow(
      "loadModel: Conv2D 'conv2d': dtype policy 'mixed_float16' (modelTopology.model_config.config.layers[0].config.dtype) is not supported",
    );
    expect(() =>
      normalizeTopology(wrap(k3('Dense', { name: 'd', dtype: { class_name: 'Quantized', config: {} } }))),
    ).toThrow(
      `loadModel: Dense 'd': modelTopology.model_config.config.layers[0].config.dtype must be a dtype name or a dtype policy (DTypePolicy, FloatDTypePolicy, Policy), got {"class_name":"Quantized","config":{}}`,
    );
    const f = structuredClone(keras3Functional);
    ((f.config as Obj).layers as Obj[])[3]!.inbound_nodes = [{ args: [{ shape: [3] }], kwargs: {} }];
    expect(() => normalizeTopology(f)).toThrow(
      `loadModel: modelTopology.config.layers[3].inbound_nodes[0].args holds no '__keras_tensor__', got [{"shape":[3]}]`,
    );
    ((f.config as Obj).layers as Obj[])[3]!.inbound_nodes = [[['cat', 'zero', 0, {}]]];
    expect(() => normalizeTopology(f)).toThrow(
      `loadModel: modelTopology.config.layers[3].inbound_nodes[0][0] must be [layer name, node index, tensor index], got ["cat","zero",0,{}]`,
    );
    expect(() => normalizeTopology({ class_name: 'Graph', config: {} })).toThrow(
      `loadModel: modelTopology.class_name must be 'Sequential', 'Model' or 'Functional', got "Graph"`,
    );
    expect(() => normalizeTopology({ class_name: 'Sequential', config: { layers: 3 } })).toThrow(
      'loadModel: modelTopology.config.layers must be an array, got 3',
    );
    expect(() => normalizeTopology(wrap({ class_name: 'Dense' }))).toThrow(
      'loadModel: modelTopology.model_config.config.layers[0].config must be an object, got nothing',
    );
  });

  it('loadModel names the layer, the field and the value of a config Neurona cannot honour', async () => {
    const conv: Obj = {
      ...k3Dense('c', 2, 'relu'),
      filters: 2,
      kernel_size: [3, 3],
      data_format: 'channels_first',
      batch_shape: [null, 3, 8, 8],
    };
    delete conv.units;
    const topology: Obj = {
      model_config: { class_name: 'Sequential', config: { layers: [k3('Conv2D', conv)] } },
    };
    const before = nr.memory().numTensors;
    await expect(nr.loadModel(nr.io.memory(artifactsOf(topology, [])))).rejects.toThrow(
      /^loadModel: .*layers?\W+0.*Conv2D 'c': dataFormat 'channelsFirst' is not supported/,
    );
    expect(nr.memory().numTensors).toBe(before);
  });

  it('loadModel names unknown layer classes with their layer names and paths, leaking nothing', async () => {
    const topology: Obj = {
      model_config: {
        class_name: 'Sequential',
        config: [
          { class_name: 'Dense', config: { ...dense('d', 3, 'linear'), batch_input_shape: [null, 2] } },
          { class_name: 'Mystery', config: { name: 'm1' } },
        ],
      },
    };
    const before = nr.memory().numTensors;
    await expect(nr.loadModel(nr.io.memory(artifactsOf(topology, [])))).rejects.toThrow(
      "loadModel: unknown layer class 'Mystery': Mystery 'm1' (at modelTopology.model_config.config.layers[1])",
    );
    expect(nr.memory().numTensors).toBe(before);
  });
});
