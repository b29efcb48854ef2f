import type { WeightQuantization, WeightSpec } from './types.js';

/** Bytes per stored element, by dtype (a weight's own dtype, or its quantization dtype). */
const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/** Dtypes stored as they are (without quantization). */
const PLAIN: readonly string[] = ['float32', 'int32', 'bool'];

/** A weight of the manifest and where its bytes start in the weight data. */
export interface LocatedWeight {
  spec: WeightSpec;
  /** Byte offset of the weight's first stored element in `weightData`. */
  offset: number;
  /** Bytes the weight takes in `weightData` (after quantization, when quantized). */
  bytes: number;
}

const count = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);

/** A quantized weight's description, or an error naming the weight and the bad field. */
function checkQuantization(spec: WeightSpec): WeightQuantization | null {
  const q = spec.quantization;
  if (q === undefined || q === null) return null;
  const where = `loadModel: weight '${spec.name}'`;
  if (q.dtype !== 'uint8' && q.dtype !== 'uint16' && q.dtype !== 'float16') {
    throw new Error(
      `${where}: quantization.dtype must be 'uint8', 'uint16' or 'float16', got ${JSON.stringify(q.dtype)}`,
    );
  }
  if (q.dtype !== 'float16' && (typeof q.min !== 'number' || typeof q.scale !== 'number')) {
    throw new Error(
      `${where}: ${q.dtype} quantization needs numeric 'min' and 'scale', got min ${JSON.stringify(q.min)}, scale ${JSON.stringify(q.scale)}`,
    );
  }
  const dtype = valueDtype(spec);
  if (dtype !== 'float32' && dtype !== 'int32') {
    throw new Error(`${where}: only float32 and int32 weights can be quantized, got dtype '${dtype}'`);
  }
  return q;
}

/**
 * The dtype a weight's values have once decoded: the spec's `dtype`, or the quantization's `original_dtype`
 * when a writer put the stored type (`uint8`, ...) in `dtype` instead.
 *
 * @example
 * ```ts
 * valueDtype({ name: 'w', shape: [2], dtype: 'float32', quantization: { dtype: 'uint8', min: 0, scale: 1 } }); // 'float32'
 * ```
 */
export function valueDtype(spec: WeightSpec): string {
  const q = spec.quantization;
  const d: string = spec.dtype;
  return q?.original_dtype !== undefined && (d === q.dtype || !PLAIN.includes(d)) ? q.original_dtype : d;
}

/** How a weight is stored, for messages: `float32`, or `uint8-quantized float32`. */
function storage(spec: WeightSpec): string {
  return spec.quantization ? `${spec.quantization.dtype}-quantized ${valueDtype(spec)}` : spec.dtype;
}

/**
 * Every spec of the manifest with its byte offset and stored size, in manifest order (the order the weight
 * files are concatenated in); checks dtypes and quantization fields. {@link checkWeightBytes} then checks
 * that the data holds them all.
 *
 * @example
 * ```ts
 * const located = locateWeights(artifacts.weightSpecs); // [{ spec, offset: 0, bytes: 160 }, ...]
 * ```
 */
export function locateWeights(specs: readonly WeightSpec[]): LocatedWeight[] {
  const located: LocatedWeight[] = [];
  let offset = 0;
  for (const spec of specs) {
    if (!Array.isArray(spec.shape) || !spec.shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new Error(
        `loadModel: weight '${spec.name}' has an invalid shape ${JSON.stringify(spec.shape)} in the manifest`,
      );
    }
    const q = checkQuantization(spec);
    if (!q && !PLAIN.includes(spec.dtype)) {
      throw new Error(
        `loadModel: weight '${spec.name}' has unsupported dtype '${spec.dtype}' (supported: float32, int32, bool, or quantized uint8/uint16/float16)`,
      );
    }
    const bytes = count(spec.shape) * BYTES[q ? q.dtype : spec.dtype]!;
    located.push({ spec, offset, bytes });
    offset += bytes;
  }
  return located;
}

/**
 * Throw unless `byteLength` bytes of weight data hold every located weight: the error names the first weight
 * that does not fit, how it is stored (quantized or not), its size and offset, and what the manifest needs.
 *
 * @example
 * ```ts
 * checkWeightBytes(locateWeights(a.weightSpecs), a.weightData.byteLength);
 * ```
 */
export function checkWeightBytes(located: readonly LocatedWeight[], byteLength: number): void {
  const last = located[located.length - 1];
  const needed = last ? last.offset + last.bytes : 0;
  const have = byteLength;
  if (needed <= have) return;
  const first = located.find((l) => l.offset + l.bytes > have)!;
  const anyQuantized = located.some((l) => l.spec.quantization);
  const ratio = needed / have;
  const hint =
    !anyQuantized && (ratio === 2 || ratio === 4)
      ? ` The data is 1/${ratio} of the size the manifest expects: were the weights quantized without a 'quantization' entry in the manifest?`
      : '';
  throw new Error(
    `loadModel: weightsManifest: weight '${first.spec.name}' (${storage(first.spec)}, shape [${first.spec.shape.join(', ')}]) needs ${first.bytes} bytes at offset ${first.offset}, but the weight data has ${have} bytes (the manifest needs ${needed}; ${anyQuantized ? 'some weights are quantized' : 'no weight is quantized'}).${hint}`,
  );
}

/** A half-precision float (IEEE 754 binary16 bits) as a number. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/**
 * The values of one located weight, dequantized: a `Float32Array` for float32 weights, an `Int32Array` for
 * int32 and bool ones (quantized int32 values are rounded, as TensorFlow.js does).
 *
 * @example
 * ```ts
 * const values = readWeight(artifacts.weightData, locateWeights(artifacts.weightSpecs)[0]!);
 * ```
 */
export function readWeight(
  data: ArrayBuffer,
  { spec, offset, bytes }: LocatedWeight,
): Float32Array | Int32Array {
  const n = count(spec.shape);
  const q = spec.quantization;
  if (!q) {
    const raw = data.slice(offset, offset + bytes);
    if (spec.dtype === 'float32') return new Float32Array(raw);
    if (spec.dtype === 'bool') return Int32Array.from(new Uint8Array(raw));
    return new Int32Array(raw);
  }
  const view = new DataView(data, offset, bytes);
  const round = valueDtype(spec) === 'int32';
  const out = round ? new Int32Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let v: number;
    if (q.dtype === 'float16') v = halfToFloat(view.getUint16(2 * i, true));
    else v = (q.dtype === 'uint8' ? view.getUint8(i) : view.getUint16(2 * i, true)) * q.scale! + q.min!;
    out[i] = round ? Math.round(v) : v;
  }
  return out;
}

/**
 * The layer weight a manifest name means: Keras saves recurrent weights under the cell's scope
 * (`lstm_1/lstm_cell/kernel`, `bidirectional/forward_gru/gru_cell/bias`), where the layer's own weight is
 * `lstm_1/kernel`; other names are unchanged.
 *
 * @example
 * ```ts
 * canonicalWeightName('lstm_1/lstm_cell/kernel'); // 'lstm_1/kernel'
 * ```
 */
export function canonicalWeightName(name: string): string {
  const parts = name.split('/');
  if (parts.length >= 3 && /^(lstm|gru|simple_rnn)_cell(_\d+)?$/.test(parts[parts.length - 2]!)) {
    parts.splice(parts.length - 2, 1);
  }
  return parts.join('/');
}
