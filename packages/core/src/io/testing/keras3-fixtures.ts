// Hand-written Keras 3 model JSON (as Keras 3.x `model.to_json()` writes it) for the loader's tests.
import type { JsonValue, WeightSpec } from '../types.js';

/** A JSON object. */
export type Obj = { [k: string]: JsonValue };
export const policy = (name: string): Obj => ({
  module: 'keras',
  class_name: 'DTypePolicy',
  config: { name },
  registered_name: null,
});
export const glorot: Obj = {
  module: 'keras.initializers',
  class_name: 'GlorotUniform',
  config: { seed: null },
  registered_name: null,
};
export const kt = (layer: string, shape: (number | null)[]): Obj => ({
  class_name: '__keras_tensor__',
  config: { shape, dtype: 'float32', keras_history: [layer, 0, 0] },
});
/** A Keras 3 layer entry (as `model.to_json()` of Keras 3.x writes it). */
export const k3 = (cls: string, config: Obj, inbound?: JsonValue): Obj => ({
  module: 'keras.layers',
  class_name: cls,
  config,
  registered_name: null,
  ...(inbound === undefined
    ? {}
    : { name: config.name!, build_config: { input_shape: [null, 3] }, inbound_nodes: inbound }),
});
export const k3Dense = (name: string, units: number, activation: string): Obj => ({
  name,
  trainable: true,
  dtype: policy('float32'),
  units,
  activation,
  use_bias: true,
  kernel_initializer: glorot,
  bias_initializer: { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null },
  kernel_regularizer: null,
});
export const dense = (name: string, units: number, activation: string): Obj => ({
  name,
  trainable: true,
  dtype: 'float32',
  units,
  activation,
  use_bias: true,
  kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
  bias_initializer: { class_name: 'Zeros', config: {} },
  kernel_regularizer: null,
});

/** Keras 3 functional: two inputs, concatenate, dense; `input_layers` listed, `output_layers` a single triple. */
export const keras3Functional: Obj = {
  module: 'keras.src.models.functional',
  class_name: 'Functional',
  config: {
    name: 'two_in',
    trainable: true,
    layers: [
      k3('InputLayer', { batch_shape: [null, 3], dtype: 'float32', sparse: false, name: 'a' }, []),
      k3('InputLayer', { batch_shape: [null, 2], dtype: 'float32', sparse: false, name: 'b' }, []),
      k3('Concatenate', { name: 'cat', trainable: true, dtype: policy('float32'), axis: -1 }, [
        { args: [[kt('a', [null, 3]), kt('b', [null, 2])]], kwargs: {} },
      ]),
      k3('Dense', k3Dense('out', 4, 'tanh'), [{ args: [kt('cat', [null, 5])], kwargs: {} }]),
    ],
    input_layers: [
      ['a', 0, 0],
      ['b', 0, 0],
    ],
    output_layers: ['out', 0, 0],
  },
  registered_name: 'Functional',
  build_config: { input_shape: null },
  compile_config: { loss: 'mse' },
};

const inner: Obj = {
  module: 'keras.src.models.functional',
  class_name: 'Functional',
  config: {
    name: 'trunk',
    trainable: true,
    layers: [
      k3('InputLayer', { batch_shape: [null, 3], dtype: 'float32', sparse: false, name: 'x' }, []),
      k3('Dense', k3Dense('d1', 4, 'relu'), [{ args: [kt('x', [null, 3])], kwargs: {} }]),
    ],
    input_layers: [['x', 0, 0]],
    output_layers: [['d1', 0, 0]],
  },
  registered_name: 'Functional',
  build_config: { input_shape: [null, 3] },
};
/** A Keras 3 Sequential holding a Functional trunk (as Teachable Machine's Keras 3 exports are) and a Dense head. */
export const keras3Nested: Obj = {
  module: 'keras',
  class_name: 'Sequential',
  config: {
    name: 'tm',
    trainable: true,
    dtype: policy('float32'),
    layers: [
      k3('InputLayer', { batch_shape: [null, 3], dtype: 'float32', sparse: false, name: 'in' }),
      inner,
      k3('Dense', k3Dense('head', 2, 'softmax')),
    ],
    build_input_shape: [null, 3],
  },
  registered_name: null,
  build_config: { input_shape: [null, 3] },
};

/** The weights of {@link keras3Nested}. */
export const keras3NestedSpecs: WeightSpec[] = [
  { name: 'd1/kernel', shape: [3, 4], dtype: 'float32' },
  { name: 'd1/bias', shape: [4], dtype: 'float32' },
  { name: 'head/kernel', shape: [4, 2], dtype: 'float32' },
  { name: 'head/bias', shape: [2], dtype: 'float32' },
];
