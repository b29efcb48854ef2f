import type { DType } from '../backend/types.js';

/**
 * One entry of a weights manifest: a named tensor stored in the weight data.
 *
 * @example
 * ```ts
 * const spec: nr.io.WeightSpec = { name: 'dense/kernel', shape: [784, 10], dtype: 'float32' };
 * ```
 */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: DType;
  /** `'optimizer'` for optimizer state saved with `includeOptimizer` (TensorFlow.js's weight groups); absent for model weights. */
  group?: string;
  /** How the converter stored the values when it quantized them (dequantized on load); absent for raw values. */
  quantization?: WeightQuantization;
}

/**
 * How `tensorflowjs_converter --quantize_*` stored a weight: `uint8` / `uint16` affine (`value = q * scale +
 * min`) or `float16` (half floats).
 *
 * @example
 * ```ts
 * const q: nr.io.WeightQuantization = { dtype: 'uint8', min: -1, scale: 2 / 255 };
 * ```
 */
export interface WeightQuantization {
  /** The stored element type. */
  dtype: 'uint8' | 'uint16' | 'float16';
  /** The value of a stored 0 (affine quantization only). */
  min?: number;
  /** The step between stored integers (affine quantization only). */
  scale?: number;
  /** The dtype before quantization, as some converters record it (the spec's `dtype` says the same). */
  original_dtype?: string;
}

/**
 * Options of `model.save` / {@link saveModel}.
 *
 * @example
 * ```ts
 * await model.save('file://./ckpt', { includeOptimizer: true }); // training resumes where it stopped
 * ```
 */
export interface SaveOptions {
  /**
   * Also save the optimizer's state (iteration count and slots such as Adam's moments) in the weights, as
   * TensorFlow.js does with the same option, so a loaded model continues training exactly. Default false.
   */
  includeOptimizer?: boolean;
}

/**
 * A JSON value.
 *
 * @example
 * ```ts
 * const v: nr.io.JsonValue = { a: [1, 'b', null] };
 * ```
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * A saved model in memory, as the TensorFlow.js LayersModel format holds it: the Keras topology, the weight
 * specs and the concatenated little-endian weight bytes.
 *
 * @example
 * ```ts
 * const h = nr.io.memory();
 * await model.save(h);
 * const { modelTopology, weightSpecs, weightData } = h.artifacts!;
 * ```
 */
export interface ModelArtifacts {
  modelTopology: { [key: string]: JsonValue };
  weightSpecs: WeightSpec[];
  weightData: ArrayBuffer;
  format?: string;
  /**
   * The compiled loss, metrics and optimizer (TensorFlow.js `trainingConfig`: `loss`, `metrics`,
   * `optimizer_config`); absent when the model was saved uncompiled or with a custom loss or metric.
   */
  trainingConfig?: { [key: string]: JsonValue };
  generatedBy?: string;
  convertedBy?: string | null;
}

/**
 * What a save reports.
 *
 * @example
 * ```ts
 * const { modelJsonBytes, weightDataBytes } = await model.save('file://./out');
 * ```
 */
export interface SaveResult {
  /** Where the model went (a path or a description). */
  location: string;
  modelJsonBytes: number;
  weightDataBytes: number;
}

/**
 * Where models are saved to and loaded from. Node's file handler lives in `@neurona/core/node`;
 * {@link memory} keeps artifacts in memory.
 *
 * @example
 * ```ts
 * const handler: nr.io.IOHandler = { save: async (a) => ({ location: 'nowhere', modelJsonBytes: 0, weightDataBytes: a.weightData.byteLength }) };
 * ```
 */
export interface IOHandler {
  save?(artifacts: ModelArtifacts): Promise<SaveResult>;
  load?(): Promise<ModelArtifacts>;
}
