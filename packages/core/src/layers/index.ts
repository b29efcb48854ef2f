/**
 * Layer factories, as `nr.layers.dense({...})`, mirroring tfjs-layers and Keras.
 *
 * @packageDocumentation
 */

export * from './activation-layer.js';
export * from './advanced-activations.js';
export * from './batch-normalization.js';
export * from './conv1d.js';
export * from './conv2d.js';
export * from './conv2d-transpose.js';
export * from './dense.js';
export * from './depthwise-conv2d.js';
export * from './dropout.js';
export * from './embedding.js';
export * from './flatten.js';
export * from './global-pooling.js';
export * from './input-layer.js';
export type { KernelBiasArgs } from './kernel-bias.js';
export * from './layer-normalization.js';
export * from './masking.js';
export {
  Add,
  Average,
  Concatenate,
  type ConcatenateArgs,
  Dot,
  type DotArgs,
  Maximum,
  Minimum,
  Multiply,
  Subtract,
} from './merge.js';
export * from './merge-factories.js';
export * from './noise.js';
export * from './padding.js';
export * from './permute.js';
export * from './pooling.js';
export * from './pooling1d.js';
export * from './recurrent/gru.js';
export * from './recurrent/lstm.js';
export * from './recurrent/simple-rnn.js';
export * from './repeat-vector.js';
export * from './reshape.js';
export * from './separable-conv2d.js';
export * from './spatial-dropout.js';
export * from './upsampling.js';
export * from './window2d.js';
export * from './wrappers/bidirectional.js';
export * from './wrappers/time-distributed.js';
export type { WrappedLayer } from './wrappers/wrapper.js';
export { Wrapper } from './wrappers/wrapper.js';
