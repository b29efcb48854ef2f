import { Activation } from './activation-layer.js';
import { ELU, LeakyReLU, PReLU, ReLU, Softmax } from './advanced-activations.js';
import { BatchNormalization } from './batch-normalization.js';
import { Conv1D } from './conv1d.js';
import { Conv2D } from './conv2d.js';
import { Conv2DTranspose } from './conv2d-transpose.js';
import { Dense } from './dense.js';
import { DepthwiseConv2D } from './depthwise-conv2d.js';
import { Dropout } from './dropout.js';
import { Embedding } from './embedding.js';
import { Flatten } from './flatten.js';
import { GlobalAveragePooling2D, GlobalMaxPooling2D } from './global-pooling.js';
import { InputLayer } from './input-layer.js';
import { LayerNormalization } from './layer-normalization.js';
import { Masking } from './masking.js';
import { Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract } from './merge.js';
import { GaussianNoise } from './noise.js';
import { Cropping2D, ZeroPadding2D } from './padding.js';
import { Permute } from './permute.js';
import { AveragePooling2D, MaxPooling2D } from './pooling.js';
import { AveragePooling1D, GlobalAveragePooling1D, GlobalMaxPooling1D, MaxPooling1D } from './pooling1d.js';
import { GRU } from './recurrent/gru.js';
import { LSTM } from './recurrent/lstm.js';
import { SimpleRNN } from './recurrent/simple-rnn.js';
import { registerLayer } from './registry.js';
import { RepeatVector } from './repeat-vector.js';
import { Reshape } from './reshape.js';
import { SeparableConv2D } from './separable-conv2d.js';
import { SpatialDropout1D, SpatialDropout2D } from './spatial-dropout.js';
import { UpSampling2D } from './upsampling.js';
import { Bidirectional } from './wrappers/bidirectional.js';
import { TimeDistributed } from './wrappers/time-distributed.js';

let done = false;

/**
 * Register every built-in layer class for deserialisation (idempotent; `loadModel` calls it).
 *
 * @internal
 */
export function registerBuiltinLayers(): void {
  if (done) return;
  done = true;
  for (const cls of [
    Activation,
    BatchNormalization,
    Conv2D,
    Dense,
    Dropout,
    Embedding,
    Flatten,
    GlobalAveragePooling2D,
    GlobalMaxPooling2D,
    InputLayer,
    LayerNormalization,
    AveragePooling2D,
    MaxPooling2D,
    GRU,
    LSTM,
    SimpleRNN,
    Reshape,
    Add,
    Subtract,
    Multiply,
    Average,
    Maximum,
    Minimum,
    Concatenate,
    Dot,
    ELU,
    LeakyReLU,
    PReLU,
    ReLU,
    Softmax,
    ZeroPadding2D,
    Cropping2D,
    UpSampling2D,
    MaxPooling1D,
    AveragePooling1D,
    GlobalMaxPooling1D,
    GlobalAveragePooling1D,
    RepeatVector,
    Permute,
    GaussianNoise,
    SpatialDropout1D,
    SpatialDropout2D,
    Bidirectional,
    TimeDistributed,
    DepthwiseConv2D,
    Conv2DTranspose,
    Conv1D,
    SeparableConv2D,
    Masking,
  ]) {
    registerLayer(cls);
  }
}
