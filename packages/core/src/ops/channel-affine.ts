/**
 * The per-channel affine op: `activation((x - mean) * scale + offset)` over the last axis, in one pass
 * where a backend has the `channelAffine` kernel (elsewhere the composite of sub, mul, add and the clamp
 * runs). Batch normalisation at inference folds its statistics into it, and ReLU6 is its clamp alone.
 *
 * @packageDocumentation
 */
import type { TensorInfo } from '../backend/types.js';
import { channelAffineComposite } from '../composites/channel-affine.js';
import { runFused } from '../composites/dispatch.js';
import type { Tensor } from '../engine/tensor.js';
import { channelAffineGrad } from '../grad/channel-affine.js';
import { convert, fmt, op, type TensorOrLike } from './util.js';

/**
 * Arguments of {@link channelAffine}.
 *
 * @example
 * ```ts
 * const args: nr.ChannelAffineArgs = { x: nr.ones([2, 3]), scale: [1, 2, 3], offset: [0, 0, 1] };
 * ```
 */
export interface ChannelAffineArgs {
  /** Any float32 tensor; the vectors run along its last axis. */
  x: TensorOrLike;
  /** `[C]`, subtracted first (default none: 0). */
  mean?: TensorOrLike | null;
  /** `[C]`, multiplied next (default none: 1). */
  scale?: TensorOrLike | null;
  /** `[C]`, added last (default none: 0). */
  offset?: TensorOrLike | null;
  /** `'relu6'` clamps the result to [0, 6] (default `'linear'`). */
  activation?: 'linear' | 'relu6';
}

/**
 * Attributes of the channelAffine node (also read by its gradient rule): which vectors are inputs.
 *
 * @example
 * ```ts
 * const attrs: nr.ChannelAffineAttrs = { mean: true, scale: true, offset: false, activation: 'linear' };
 * ```
 * @internal
 */
export interface ChannelAffineAttrs {
  readonly mean: boolean;
  readonly scale: boolean;
  readonly offset: boolean;
  readonly activation: 'linear' | 'relu6';
}

function vector(v: TensorOrLike | null | undefined, c: number, arg: string): Tensor | null {
  if (v === null || v === undefined) return null;
  const name = 'channelAffine';
  const t = convert(v, name, arg, 'float32');
  if (t.dtype !== 'float32') throw new Error(`${name}: argument '${arg}' must be float32, got ${t.dtype}`);
  if (t.rank !== 1 || t.shape[0] !== c) {
    throw new Error(
      `${name}: argument '${arg}' must have shape [${c}] (one value per entry of x's last axis), got ${fmt(t.shape)}`,
    );
  }
  return t;
}

/**
 * `activation((x - mean) * scale + offset)` with `[C]` vectors along the last axis of `x`, in one pass on
 * backends with the `channelAffine` kernel. Gradients flow to `x` and to every vector given.
 *
 * @example
 * ```ts
 * nr.channelAffine({ x: [[1, 2], [3, 4]], mean: [1, 1], scale: [2, 10], offset: [0, 1] }); // [[0, 11], [4, 31]]
 * nr.channelAffine({ x: [-1, 3, 8], activation: 'relu6' }); // [0, 3, 6]
 * ```
 */
export function channelAffine(args: ChannelAffineArgs): Tensor {
  const name = 'channelAffine';
  return op(name, () => {
    const activation = args.activation ?? 'linear';
    if (activation !== 'linear' && activation !== 'relu6') {
      throw new Error(`${name}: activation must be 'linear' or 'relu6', got ${JSON.stringify(activation)}`);
    }
    const x = convert(args.x, name, 'x', 'float32');
    if (x.dtype !== 'float32') throw new Error(`${name}: argument 'x' must be float32, got ${x.dtype}`);
    const c = x.rank === 0 ? 1 : x.shape[x.rank - 1]!;
    const mean = vector(args.mean, c, 'mean');
    const scale = vector(args.scale, c, 'scale');
    const offset = vector(args.offset, c, 'offset');
    if (x.rank === 0 && (mean || scale || offset)) {
      throw new Error(
        `${name}: argument 'x' must have rank >= 1 when mean, scale or offset is given, got a scalar`,
      );
    }
    const attrs: ChannelAffineAttrs = { mean: !!mean, scale: !!scale, offset: !!offset, activation };
    const inputs = [x, mean, scale, offset].filter((t): t is Tensor => t !== null);
    const out: TensorInfo = { shape: x.shape, dtype: 'float32' };
    return runFused({
      name,
      kernel: 'channelAffine',
      inputs,
      out,
      attrs,
      run: (be, ops) => {
        let i = 1;
        const take = (has: boolean) => (has ? ops[i++]! : null);
        const [m, s, o] = [take(attrs.mean), take(attrs.scale), take(attrs.offset)];
        return be.kernels.channelAffine!(ops[0]!, m, s, o, activation, out);
      },
      composite: () => channelAffineComposite(x, mean, scale, offset, activation),
      grad: channelAffineGrad,
    });
  });
}
