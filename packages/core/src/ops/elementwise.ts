import type { BinaryOp, DType, UnaryOp } from '../backend/types.js';
import { engine } from '../engine/engine.js';
import { Tensor } from '../engine/tensor.js';
import { binaryGrads } from '../grad/binary.js';
import { unaryGrads } from '../grad/unary.js';
import { broadcastShapes, convert, expectDtype, op, type TensorOrLike } from './util.js';

const KEEPS_DTYPE = new Set<UnaryOp>(['neg', 'abs', 'sign', 'square']);

/** @internal Dispatch one elementwise unary kernel. */
export function unary(name: UnaryOp, xLike: TensorOrLike): Tensor {
  return op(name, () => {
    const x = convert(xLike, name, 'x');
    let dtype: DType;
    if (name === 'logicalNot') {
      expectDtype(x, ['bool'], name, 'x');
      dtype = 'bool';
    } else {
      if (x.dtype === 'bool') throw new Error(`${name}: argument 'x' must be float32 or int32, got bool`);
      dtype = KEEPS_DTYPE.has(name) ? x.dtype : 'float32';
    }
    const out = { shape: x.shape, dtype };
    return engine().runKernel({
      name,
      inputs: [x],
      out,
      run: (b, [xo]) => b.kernels.unary(name, xo!, out),
      grad: unaryGrads[name],
    });
  });
}

const COMPARISON = new Set<BinaryOp>(['equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual']);
const LOGICAL = new Set<BinaryOp>(['logicalAnd', 'logicalOr']);

/** @internal Convert both arguments; a plain value takes the other argument's dtype. */
export function convertPair(aLike: TensorOrLike, bLike: TensorOrLike, name: string): [Tensor, Tensor] {
  const aT = aLike instanceof Tensor ? aLike : null;
  const bT = bLike instanceof Tensor ? bLike : null;
  const a = convert(aLike, name, 'a', aT ? undefined : bT?.dtype);
  const b = convert(bLike, name, 'b', bT ? undefined : a.dtype);
  return [a, b];
}

/** @internal Dispatch one broadcasting binary kernel. */
export function binary(name: BinaryOp, aLike: TensorOrLike, bLike: TensorOrLike): Tensor {
  return op(name, () => {
    const [a, b] = convertPair(aLike, bLike, name);
    if (a.dtype !== b.dtype) {
      throw new Error(`${name}: arguments must share a dtype, got ${a.dtype} and ${b.dtype} (use nr.cast)`);
    }
    let dtype: DType = a.dtype;
    if (LOGICAL.has(name)) {
      if (a.dtype !== 'bool') throw new Error(`${name}: arguments must be bool, got ${a.dtype}`);
    } else if (COMPARISON.has(name)) {
      dtype = 'bool';
    } else if (a.dtype === 'bool') {
      throw new Error(`${name}: arguments must be float32 or int32, got bool`);
    }
    const out = { shape: broadcastShapes(a.shape, b.shape, name), dtype };
    return engine().runKernel({
      name,
      inputs: [a, b],
      out,
      run: (be, [ao, bo]) => be.kernels.binary(name, ao!, bo!, out),
      grad: binaryGrads[name],
    });
  });
}
