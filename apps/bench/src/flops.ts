/**
 * Analytic FLOP counts. One multiply-add is 2 FLOPs. Only the products (dense, convolution, recurrent
 * projections, matmul) are counted; activations, biases, pooling, dropout, softmax, the loss and the
 * optimizer update are O(activations) or O(parameters) and left out, so the GFLOP/s figures are slight
 * underestimates of the arithmetic really done.
 *
 * Forward, per example:
 * - dense `in -> out`: `2·in·out`
 * - conv2d (stride 1): `2·Ho·Wo·kh·kw·Cin·Cout`, `Ho, Wo` the output size
 * - recurrent, `g` gate blocks (SimpleRNN 1, GRU 3, LSTM 4), `T` steps, input `d`, `u` units:
 *   `2·T·g·(d·u + u·u)`
 * - dense on a sequence `[T, in]` (applied at every step): `2·T·in·out`
 * - embedding: a row lookup, 0 (its gradient is a scatter-add, also 0)
 * - a MobileNetV2 trunk: its convolutions (stem, expand, depthwise `2·Ho·Wo·9·C`, project, `Conv_1`); frozen, it
 *   costs its forward pass in training too, and it does not make the next layer's input gradient needed
 *
 * Training, per example: the backward pass of a layer costs twice its forward pass (one product for the
 * weight gradient, one for the gradient of its input, plus for a recurrent layer the gradient through the
 * hidden state), except that nobody needs the gradient of the data, so the first layer with weights skips
 * its input-gradient product (`F` for dense/conv, `2·T·g·d·u` for a recurrent layer):
 * `train = Σ 3·F_layer − I_first`. After an embedding (which has weights, so the next layer's input
 * gradient is needed to train it) nothing is skipped.
 *
 * Matmul `n x n`: `2·n³` per product; training adds `dA = G·Bᵀ` and `dB = Aᵀ·G`: `6·n³`.
 */
import { mobilenetV2Flops, mobilenetV2Spec } from './mobilenet.js';
import type { LayerSpec, ModelWorkload, Workload } from './workloads.js';

/**
 * FLOPs of one layer for one example, with the input shape the next layer sees.
 *
 * @example
 * ```ts
 * layerFlops({ kind: 'dense', units: 10, activation: 'softmax' }, [128]); // { forward: 2560, inputGrad: 2560, outShape: [10] }
 * ```
 */
export interface LayerFlops {
  /** Forward FLOPs. */
  forward: number;
  /** The part of the backward pass that only computes the gradient of the layer's input. */
  inputGrad: number;
  /** Output shape (no batch dimension). */
  outShape: number[];
}

const GATES = { simpleRNN: 1, gru: 3, lstm: 4 } as const;

/** Layer kinds with trainable weights: the gradient of their input is needed by every layer after them. */
const WEIGHTED: ReadonlySet<LayerSpec['kind']> = new Set([
  'dense',
  'conv2d',
  'simpleRNN',
  'lstm',
  'gru',
  'embedding',
  'mobilenetV2',
]);

/**
 * FLOPs of one layer for one example with input shape `inShape` (no batch dimension).
 *
 * @example
 * ```ts
 * layerFlops({ kind: 'lstm', units: 64 }, [50, 8]).forward; // 2·50·4·(8·64 + 64·64) = 1843200
 * ```
 */
export function layerFlops(layer: LayerSpec, inShape: readonly number[]): LayerFlops {
  const where = `layer ${layer.kind} on input [${inShape.join(', ')}]`;
  switch (layer.kind) {
    case 'dense': {
      if (inShape.length !== 1 && inShape.length !== 2)
        throw new Error(`${where}: dense expects a flat input or a sequence [steps, features]`);
      const steps = inShape.length === 2 ? inShape[0]! : 1;
      const f = 2 * steps * inShape[inShape.length - 1]! * layer.units;
      const outShape = inShape.length === 2 ? [steps, layer.units] : [layer.units];
      return { forward: f, inputGrad: f, outShape };
    }
    case 'embedding': {
      if (inShape.length !== 1) throw new Error(`${where}: embedding expects [steps] token ids`);
      return { forward: 0, inputGrad: 0, outShape: [inShape[0]!, layer.outputDim] };
    }
    case 'conv2d': {
      if (inShape.length !== 3) throw new Error(`${where}: conv2d expects [height, width, channels]`);
      const [h, w, cin] = inShape as [number, number, number];
      const k = layer.kernelSize;
      const ho = layer.padding === 'same' ? h : h - k + 1;
      const wo = layer.padding === 'same' ? w : w - k + 1;
      if (ho < 1 || wo < 1) throw new Error(`${where}: kernel ${k} is larger than the input`);
      const f = 2 * ho * wo * k * k * cin * layer.filters;
      return { forward: f, inputGrad: f, outShape: [ho, wo, layer.filters] };
    }
    case 'maxPool': {
      const [h, w, c] = inShape as [number, number, number];
      const p = layer.poolSize;
      return { forward: 0, inputGrad: 0, outShape: [Math.floor(h / p), Math.floor(w / p), c] };
    }
    case 'flatten':
      return { forward: 0, inputGrad: 0, outShape: [inShape.reduce((a, b) => a * b, 1)] };
    case 'dropout':
      return { forward: 0, inputGrad: 0, outShape: [...inShape] };
    case 'mobilenetV2': {
      if (inShape.length !== 3 || inShape[0] !== inShape[1] || inShape[2] !== 3)
        throw new Error(`${where}: mobilenetV2 expects a square RGB image [side, side, 3]`);
      const s = mobilenetV2Spec(layer.alpha);
      const f = mobilenetV2Flops(s, inShape[0]!);
      return { forward: f.forward, inputGrad: f.stem, outShape: [s.lastFilters] };
    }
    case 'simpleRNN':
    case 'lstm':
    case 'gru': {
      if (inShape.length !== 2) throw new Error(`${where}: recurrent layers expect [steps, features]`);
      const [t, d] = inShape as [number, number];
      const g = GATES[layer.kind];
      const u = layer.units;
      const outShape = layer.returnSequences ? [t, u] : [u];
      return { forward: 2 * t * g * (d * u + u * u), inputGrad: 2 * t * g * d * u, outShape };
    }
  }
}

/**
 * Forward and training FLOPs per example of a model workload.
 *
 * @example
 * ```ts
 * modelFlops(findWorkload('mlp', false)); // { infer: 203264, train: 409088 }
 * ```
 */
export function modelFlops(w: Pick<ModelWorkload, 'inputShape' | 'layers'>): {
  infer: number;
  train: number;
} {
  let shape: readonly number[] = w.inputShape;
  let infer = 0;
  let train = 0;
  let seenWeights = false;
  for (const layer of w.layers) {
    const f = layerFlops(layer, shape);
    infer += f.forward;
    shape = f.outShape;
    if (layer.kind === 'mobilenetV2' && !layer.trainable) {
      train += f.forward; // frozen: forward only, and nothing before the next layer needs a gradient
      continue;
    }
    train += 3 * f.forward;
    if (!seenWeights) train -= f.inputGrad;
    if (WEIGHTED.has(layer.kind)) seenWeights = true;
  }
  return { infer, train };
}

/**
 * FLOPs per sample (model example, or one matmul product) of a workload in a mode.
 *
 * @example
 * ```ts
 * workloadFlops(findWorkload('matmul-256', false), 'train'); // 6·256³ = 100663296
 * ```
 */
export function workloadFlops(w: Workload, mode: 'train' | 'infer'): number {
  if (w.kind === 'matmul') return (mode === 'train' ? 6 : 2) * w.n ** 3;
  return modelFlops(w)[mode];
}
