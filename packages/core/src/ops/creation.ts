import type { DType, Shape, TypedArray } from '../backend/types.js';
import { engine } from '../engine/engine.js';
import { flattenInto, inferShape, type TensorLike } from '../engine/nested.js';
import { sizeOf, type Tensor, type Variable } from '../engine/tensor.js';
import { allocate, fmt, inferDtype } from './util.js';

function checkShape(shape: Shape, opName: string): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`${opName}: invalid shape ${fmt(shape)}`);
  }
}

/**
 * Create a tensor from nested arrays, a typed array or a number. With `shape`, flat values are reshaped.
 *
 * @example
 * ```ts
 * const a = nr.tensor([[1, 2], [3, 4]]);
 * const b = nr.tensor([1, 2, 3, 4], [2, 2], 'int32');
 * ```
 */
export function tensor(values: TensorLike, shape?: Shape, dtype?: DType): Tensor {
  checkShapeArg(shape, 'tensor');
  const inferred = inferShape(values, 'tensor');
  const dt = dtype ?? inferDtype(values);
  const n = sizeOf(inferred);
  const finalShape = shape ? [...shape] : inferred;
  if (shape) {
    checkShape(shape, 'tensor');
    if (sizeOf(shape) !== n) {
      throw new Error(`tensor: ${n} values cannot fill shape ${fmt(shape)} (${sizeOf(shape)} elements)`);
    }
  }
  // Every backend's upload copies (a conformance case checks it), so a typed array already in the dtype's
  // storage goes to the backend as it is: a large data set is not copied twice on its way in.
  if (
    (dt === 'float32' && values instanceof Float32Array) ||
    (dt === 'int32' && values instanceof Int32Array)
  ) {
    return engine().upload(values, { shape: finalShape, dtype: dt });
  }
  const data = allocate(dt, n);
  flattenInto(values, data);
  if (dt === 'bool') {
    for (let i = 0; i < n; i++) data[i] = data[i] ? 1 : 0;
  }
  return engine().upload(data, { shape: finalShape, dtype: dt });
}

/** A shape argument must be an array: a dtype in its place (`tensor2d(v, 'int32')`) is a common slip. */
function checkShapeArg(shape: unknown, name: string): void {
  if (shape !== undefined && shape !== null && !Array.isArray(shape)) {
    const hint =
      typeof shape === 'string' ? ' (the dtype is the third argument: pass undefined as the shape)' : '';
    throw new Error(`${name}: shape must be an array of dimensions, got ${JSON.stringify(shape)}${hint}`);
  }
}

function ranked(rank: number, name: string) {
  return (values: TensorLike, shape?: Shape, dtype?: DType): Tensor => {
    checkShapeArg(shape, name);
    const inferred = shape ?? inferShape(values, name);
    if (inferred.length !== rank) {
      throw new Error(`${name}: expected a rank-${rank} value, got shape ${fmt(inferred)}`);
    }
    return tensor(values, shape, dtype);
  };
}

/**
 * Create a scalar (rank-0) tensor.
 *
 * @example
 * ```ts
 * const s = nr.scalar(3.5);
 * ```
 */
export function scalar(value: number | boolean, dtype?: DType): Tensor {
  return tensor(value, [], dtype);
}

/**
 * Create a rank-1 tensor.
 *
 * @example
 * ```ts
 * nr.tensor1d([1, 2, 3]);
 * ```
 */
export const tensor1d: (values: TensorLike, dtype?: DType) => Tensor = (values, dtype) =>
  ranked(1, 'tensor1d')(values, undefined, dtype);

/**
 * Create a rank-2 tensor.
 *
 * @example
 * ```ts
 * nr.tensor2d([[1, 2], [3, 4]]);
 * nr.tensor2d([1, 2, 3, 4], [2, 2]);
 * ```
 */
export const tensor2d: (values: TensorLike, shape?: Shape, dtype?: DType) => Tensor = ranked(2, 'tensor2d');

/**
 * Create a rank-3 tensor.
 *
 * @example
 * ```ts
 * nr.tensor3d([[[1], [2]]]);
 * ```
 */
export const tensor3d: (values: TensorLike, shape?: Shape, dtype?: DType) => Tensor = ranked(3, 'tensor3d');

/**
 * Create a rank-4 tensor.
 *
 * @example
 * ```ts
 * nr.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
 * ```
 */
export const tensor4d: (values: TensorLike, shape?: Shape, dtype?: DType) => Tensor = ranked(4, 'tensor4d');

/**
 * A tensor of `shape` filled with `value`.
 *
 * @example
 * ```ts
 * nr.fill([2, 3], 7);
 * ```
 */
export function fill(shape: Shape, value: number, dtype: DType = 'float32'): Tensor {
  checkShape(shape, 'fill');
  const data = allocate(dtype, sizeOf(shape));
  data.fill(dtype === 'bool' ? (value ? 1 : 0) : value);
  return engine().upload(data, { shape: [...shape], dtype });
}

/**
 * A tensor of zeros.
 *
 * @example
 * ```ts
 * nr.zeros([2, 2]);
 * ```
 */
export function zeros(shape: Shape, dtype: DType = 'float32'): Tensor {
  return fill(shape, 0, dtype);
}

/**
 * A tensor of ones.
 *
 * @example
 * ```ts
 * nr.ones([3]);
 * ```
 */
export function ones(shape: Shape, dtype: DType = 'float32'): Tensor {
  return fill(shape, 1, dtype);
}

/**
 * Zeros with the shape and dtype of `x`.
 *
 * @example
 * ```ts
 * nr.zerosLike(nr.tensor([1, 2]));
 * ```
 */
export function zerosLike(x: Tensor): Tensor {
  return fill(x.shape, 0, x.dtype);
}

/**
 * Ones with the shape and dtype of `x`.
 *
 * @example
 * ```ts
 * nr.onesLike(nr.tensor([1, 2]));
 * ```
 */
export function onesLike(x: Tensor): Tensor {
  return fill(x.shape, 1, x.dtype);
}

/**
 * Numbers from `start` up to (not including) `stop` by `step`.
 *
 * @example
 * ```ts
 * nr.range(0, 5);        // [0, 1, 2, 3, 4]
 * nr.range(1, 2, 0.25);  // [1, 1.25, 1.5, 1.75]
 * ```
 */
export function range(start: number, stop: number, step = 1, dtype: DType = 'float32'): Tensor {
  if (step === 0 || !Number.isFinite(step))
    throw new Error(`range: step must be a finite non-zero number, got ${step}`);
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const data = allocate(dtype, n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return engine().upload(data, { shape: [n], dtype });
}

/**
 * `num` evenly spaced numbers from `start` to `stop`, both included.
 *
 * @example
 * ```ts
 * nr.linspace(0, 1, 5); // [0, 0.25, 0.5, 0.75, 1]
 * ```
 */
export function linspace(start: number, stop: number, num: number): Tensor {
  if (!Number.isInteger(num) || num < 0)
    throw new Error(`linspace: num must be a non-negative integer, got ${num}`);
  const data = new Float32Array(num);
  const step = num > 1 ? (stop - start) / (num - 1) : 0;
  for (let i = 0; i < num; i++) data[i] = start + i * step;
  return engine().upload(data, { shape: [num], dtype: 'float32' });
}

/**
 * An identity matrix (`numRows x numColumns`, ones on the diagonal).
 *
 * @example
 * ```ts
 * nr.eye(3);
 * ```
 */
export function eye(numRows: number, numColumns = numRows, dtype: DType = 'float32'): Tensor {
  checkShape([numRows, numColumns], 'eye');
  const data = allocate(dtype, numRows * numColumns);
  for (let i = 0; i < Math.min(numRows, numColumns); i++) data[i * numColumns + i] = 1;
  return engine().upload(data, { shape: [numRows, numColumns], dtype });
}

/**
 * Reset the one seeded generator that drives random tensors, weight initialisers, shuffling and dropout.
 *
 * @example
 * ```ts
 * nr.seed(42);
 * const a = nr.randomNormal([2]);
 * nr.seed(42);
 * const b = nr.randomNormal([2]); // same values as a
 * ```
 */
export function seed(n: number): void {
  engine().rng.seed(n);
}

function randomTensor(shape: Shape, dtype: DType, name: string, sample: () => number): Tensor {
  checkShape(shape, name);
  if (dtype === 'bool') throw new Error(`${name}: dtype must be float32 or int32, got bool`);
  const data: TypedArray = allocate(dtype, sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = sample();
  return engine().upload(data, { shape: [...shape], dtype });
}

/**
 * Uniform random values in `[minval, maxval)` (int32: integers in that range).
 *
 * @example
 * ```ts
 * nr.randomUniform([2, 2], -1, 1);
 * ```
 */
export function randomUniform(shape: Shape, minval = 0, maxval = 1, dtype: DType = 'float32'): Tensor {
  if (!(maxval > minval)) throw new Error(`randomUniform: maxval (${maxval}) must exceed minval (${minval})`);
  const rng = engine().rng;
  if (dtype === 'float32' && minval === 0 && maxval === 1) {
    checkShape(shape, 'randomUniform');
    const data = new Float32Array(sizeOf(shape));
    rng.fillUniform(data);
    return engine().upload(data, { shape: [...shape], dtype });
  }
  return randomTensor(shape, dtype, 'randomUniform', () =>
    dtype === 'int32'
      ? Math.floor(minval + rng.uniform() * (maxval - minval))
      : minval + rng.uniform() * (maxval - minval),
  );
}

/**
 * Normally distributed random values.
 *
 * @example
 * ```ts
 * nr.randomNormal([3], 0, 0.1);
 * ```
 */
export function randomNormal(shape: Shape, mean = 0, stdDev = 1, dtype: DType = 'float32'): Tensor {
  const rng = engine().rng;
  return randomTensor(shape, dtype, 'randomNormal', () => mean + stdDev * rng.normal());
}

/**
 * Normal values, re-drawn when more than two standard deviations from the mean.
 *
 * @example
 * ```ts
 * nr.truncatedNormal([3, 3], 0, 0.05);
 * ```
 */
export function truncatedNormal(shape: Shape, mean = 0, stdDev = 1, dtype: DType = 'float32'): Tensor {
  const rng = engine().rng;
  return randomTensor(shape, dtype, 'truncatedNormal', () => {
    let z = rng.normal();
    while (Math.abs(z) > 2) z = rng.normal();
    return mean + stdDev * z;
  });
}

/**
 * Create a mutable {@link Variable} from an initial value (the value's data is shared, not copied).
 *
 * @example
 * ```ts
 * const w = nr.variable(nr.randomNormal([3, 1]), true, 'w');
 * ```
 */
export function variable(initial: Tensor, trainable = true, name?: string): Variable {
  initial.assertLive('variable');
  return engine().makeVariable(initial, name, trainable);
}
