import type { Tensor } from '../engine/tensor.js';
import type { ConfigDict } from '../initializers/initializers.js';
import { add, div, maximum, minimum, mul, sub } from '../ops/binary.js';
import { matMul } from '../ops/matmul.js';
import { concat } from '../ops/movement.js';
import { sum } from '../ops/reduce.js';
import { transpose } from '../ops/shape.js';
import { sqrt } from '../ops/unary.js';
import { type CallOptions, fmtShape, Layer, type LayerArgs, type SymbolicShape } from './layer.js';
import { isShapeList } from './symbolic.js';

/** Combine two dimensions under broadcasting (`null` is unknown), or return `undefined` when they clash. */
function broadcastDim(a: number | null, b: number | null): number | null | undefined {
  if (a === b) return a;
  if (a === 1) return b;
  if (b === 1) return a;
  if (a === null || b === null) return a ?? b;
  return undefined;
}

/**
 * Base of the element-wise merge layers (`Add`, `Subtract`, `Multiply`, `Average`, `Maximum`, `Minimum`):
 * several inputs of the same shape (or shapes that broadcast) give one output of that shape.
 */
abstract class ElementwiseMerge extends Layer {
  /** Exact number of inputs, or `null` for two or more. */
  protected readonly arity: number | null = null;

  /** The shapes as a list, checked: enough inputs, equal batch-free shapes up to broadcasting. */
  protected shapes(inputShape: SymbolicShape | readonly SymbolicShape[]): readonly SymbolicShape[] {
    const list = isShapeList(inputShape) ? inputShape : [inputShape];
    const want = this.arity === null ? 'at least 2' : String(this.arity);
    if (list.length < 2 || (this.arity !== null && list.length !== this.arity)) {
      throw new Error(
        `${this.className} '${this.name}': expects ${want} inputs (apply it to an array), got ${list.length}`,
      );
    }
    return list;
  }

  protected override checkInputShape(inputShape: SymbolicShape | readonly SymbolicShape[]): void {
    this.computeOutputShape(inputShape);
  }

  override computeOutputShape(inputShape: SymbolicShape | readonly SymbolicShape[]): SymbolicShape {
    const list = this.shapes(inputShape);
    const rank = Math.max(...list.map((s) => s.length));
    const out: (number | null)[] = new Array(rank).fill(1);
    for (const s of list) {
      for (let k = 1; k <= s.length; k++) {
        const d = broadcastDim(out[rank - k]!, s[s.length - k]!);
        if (d === undefined) {
          throw new Error(
            `${this.className} '${this.name}': input shapes ${list.map(fmtShape).join(', ')} do not match (nor broadcast)`,
          );
        }
        out[rank - k] = d;
      }
    }
    out[0] = list.some((s) => s[0] === null) ? null : out[0]!;
    return out;
  }

  /** Combine two tensors. */
  protected abstract combine(a: Tensor, b: Tensor): Tensor;

  override call(inputs: Tensor | Tensor[], _options: CallOptions = {}): Tensor {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    this.shapes(list.map((t) => t.shape));
    let out = list[0]!;
    for (let i = 1; i < list.length; i++) out = this.combine(out, list[i]!);
    return out;
  }
}

/**
 * Adds its inputs element-wise (a residual connection).
 *
 * @example
 * ```ts
 * const x = nr.input({ shape: [8] });
 * const y = nr.layers.add().apply([x, nr.layers.dense({ units: 8 }).apply(x)]);
 * ```
 */
export class Add extends ElementwiseMerge {
  static override readonly className = 'Add';
  protected combine(a: Tensor, b: Tensor): Tensor {
    return add(a, b);
  }
}

/**
 * Subtracts its second input from its first (exactly two inputs).
 *
 * @example
 * ```ts
 * const d = nr.layers.subtract().apply([a, b]);
 * ```
 */
export class Subtract extends ElementwiseMerge {
  static override readonly className = 'Subtract';
  protected override readonly arity = 2;
  protected combine(a: Tensor, b: Tensor): Tensor {
    return sub(a, b);
  }
}

/**
 * Multiplies its inputs element-wise.
 *
 * @example
 * ```ts
 * const gated = nr.layers.multiply().apply([features, gate]);
 * ```
 */
export class Multiply extends ElementwiseMerge {
  static override readonly className = 'Multiply';
  protected combine(a: Tensor, b: Tensor): Tensor {
    return mul(a, b);
  }
}

/**
 * The element-wise mean of its inputs.
 *
 * @example
 * ```ts
 * const ensemble = nr.layers.average().apply([p1, p2, p3]);
 * ```
 */
export class Average extends ElementwiseMerge {
  static override readonly className = 'Average';
  protected combine(a: Tensor, b: Tensor): Tensor {
    return add(a, b);
  }

  override call(inputs: Tensor | Tensor[], options: CallOptions = {}): Tensor {
    const n = Array.isArray(inputs) ? inputs.length : 1;
    return div(super.call(inputs, options), n);
  }
}

/**
 * The element-wise maximum of its inputs.
 *
 * @example
 * ```ts
 * const m = nr.layers.maximum().apply([a, b]);
 * ```
 */
export class Maximum extends ElementwiseMerge {
  static override readonly className = 'Maximum';
  protected combine(a: Tensor, b: Tensor): Tensor {
    return maximum(a, b);
  }
}

/**
 * The element-wise minimum of its inputs.
 *
 * @example
 * ```ts
 * const m = nr.layers.minimum().apply([a, b]);
 * ```
 */
export class Minimum extends ElementwiseMerge {
  static override readonly className = 'Minimum';
  protected combine(a: Tensor, b: Tensor): Tensor {
    return minimum(a, b);
  }
}

/**
 * Arguments of {@link concatenate}.
 *
 * @example
 * ```ts
 * const args: nr.layers.ConcatenateArgs = { axis: -1 };
 * ```
 */
export interface ConcatenateArgs extends LayerArgs {
  /** Axis to join along (default -1, the feature axis; never 0, the batch axis). */
  axis?: number;
}

/**
 * Joins its inputs along `axis`; every other dimension must match.
 *
 * @example
 * ```ts
 * const a = nr.input({ shape: [3] });
 * const b = nr.input({ shape: [5] });
 * const ab = nr.layers.concatenate().apply([a, b]); // [null, 8]
 * ```
 */
export class Concatenate extends Layer {
  static override readonly className = 'Concatenate';
  /** Axis to join along, as given (may be negative). */
  readonly axis: number;

  constructor(args: ConcatenateArgs = {}) {
    super(args);
    this.axis = args.axis ?? -1;
    if (!Number.isInteger(this.axis))
      throw new Error(`Concatenate '${this.name}': axis must be an integer, got ${String(args.axis)}`);
  }

  protected override checkInputShape(inputShape: SymbolicShape | readonly SymbolicShape[]): void {
    this.computeOutputShape(inputShape);
  }

  /** The axis as a non-negative index for inputs of rank `rank`. */
  private axisFor(rank: number): number {
    const a = this.axis < 0 ? rank + this.axis : this.axis;
    if (a <= 0 || a >= rank) {
      throw new Error(
        `Concatenate '${this.name}': axis ${this.axis} is out of range for inputs of rank ${rank} (the batch axis 0 cannot be joined)`,
      );
    }
    return a;
  }

  override computeOutputShape(inputShape: SymbolicShape | readonly SymbolicShape[]): SymbolicShape {
    const list = isShapeList(inputShape) ? inputShape : [inputShape];
    if (list.length < 2)
      throw new Error(`Concatenate '${this.name}': expects at least 2 inputs (an array), got ${list.length}`);
    const rank = list[0]!.length;
    const axis = this.axisFor(rank);
    const out = [...list[0]!];
    for (const s of list.slice(1)) {
      const ok =
        s.length === rank && s.every((d, i) => i === axis || d === null || out[i] === null || d === out[i]);
      if (!ok) {
        throw new Error(
          `Concatenate '${this.name}': inputs must match except along axis ${this.axis}, got ${list.map(fmtShape).join(', ')}`,
        );
      }
      s.forEach((d, i) => {
        if (i !== axis && out[i] === null) out[i] = d;
      });
      out[axis] = out[axis] === null || s[axis] === null ? null : out[axis]! + s[axis]!;
    }
    return out;
  }

  override call(inputs: Tensor | Tensor[], _options: CallOptions = {}): Tensor {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    this.computeOutputShape(list.map((t) => t.shape));
    return concat(list, this.axisFor(list[0]!.rank));
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), axis: this.axis };
  }
}

/**
 * Arguments of {@link dot}.
 *
 * @example
 * ```ts
 * const args: nr.layers.DotArgs = { axes: 1, normalize: true };
 * ```
 */
export interface DotArgs extends LayerArgs {
  /** The axis of each input to contract (one number for both, or one per input; never 0). */
  axes: number | readonly [number, number];
  /** L2-normalise both inputs along their axis first, so the result is the cosine similarity (default false). */
  normalize?: boolean;
}

/**
 * The dot product of two inputs along `axes`, per example: `[b, n] · [b, n] -> [b, 1]`, and for rank-3
 * inputs a batched matrix product (`[b, n, d]`, `[b, m, d]` with `axes: 2` give `[b, n, m]`).
 *
 * @example
 * ```ts
 * const sim = nr.layers.dot({ axes: 1, normalize: true }).apply([u, v]); // cosine similarity [null, 1]
 * ```
 */
export class Dot extends Layer {
  static override readonly className = 'Dot';
  /** The contracted axis of each input, as given. */
  readonly axes: number | readonly [number, number];
  /** Whether both inputs are L2-normalised first. */
  readonly normalize: boolean;

  constructor(args: DotArgs) {
    super(args);
    if (args?.axes === undefined) throw new Error(`Dot '${this.name}': axes is required`);
    const ax = typeof args.axes === 'number' ? [args.axes] : [...args.axes];
    if ((ax.length !== 1 && ax.length !== 2) || !ax.every(Number.isInteger)) {
      throw new Error(
        `Dot '${this.name}': axes must be an integer or two integers, got ${JSON.stringify(args.axes)}`,
      );
    }
    this.axes = typeof args.axes === 'number' ? args.axes : [args.axes[0], args.axes[1]];
    this.normalize = args.normalize ?? false;
  }

  /** Both axes as non-negative indices, checked for the input ranks. */
  private axesFor(shapes: readonly SymbolicShape[]): [number, number] {
    const given = typeof this.axes === 'number' ? [this.axes, this.axes] : this.axes;
    return shapes.map((s, i) => {
      const a = given[i]! < 0 ? s.length + given[i]! : given[i]!;
      if (a <= 0 || a >= s.length) {
        throw new Error(
          `Dot '${this.name}': axis ${given[i]} is out of range for input ${i} of shape ${fmtShape(s)}`,
        );
      }
      return a;
    }) as [number, number];
  }

  protected override checkInputShape(inputShape: SymbolicShape | readonly SymbolicShape[]): void {
    this.computeOutputShape(inputShape);
  }

  override computeOutputShape(inputShape: SymbolicShape | readonly SymbolicShape[]): SymbolicShape {
    const list = isShapeList(inputShape) ? inputShape : [inputShape];
    if (list.length !== 2)
      throw new Error(`Dot '${this.name}': expects exactly 2 inputs (an array), got ${list.length}`);
    const [x, y] = list as [SymbolicShape, SymbolicShape];
    if (x.length !== y.length || x.length < 2 || x.length > 3) {
      throw new Error(
        `Dot '${this.name}': inputs must both have rank 2 or both rank 3, got ${fmtShape(x)} and ${fmtShape(y)}`,
      );
    }
    const [ax, ay] = this.axesFor(list);
    if (x[ax] !== null && y[ay] !== null && x[ax] !== y[ay]) {
      throw new Error(
        `Dot '${this.name}': the contracted dimensions differ: axis ${ax} of ${fmtShape(x)} is ${x[ax]}, axis ${ay} of ${fmtShape(y)} is ${y[ay]}`,
      );
    }
    if (x.length === 2) return [x[0] ?? y[0] ?? null, 1];
    return [x[0] ?? y[0] ?? null, x[3 - ax]!, y[3 - ay]!];
  }

  override call(inputs: Tensor | Tensor[], _options: CallOptions = {}): Tensor {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    this.computeOutputShape(list.map((t) => t.shape));
    const [ax, ay] = this.axesFor(list.map((t) => t.shape));
    let [x, y] = list as [Tensor, Tensor];
    if (this.normalize) {
      // Keras's l2_normalize: x / sqrt(max(Σx², 1e-12)).
      const l2 = (t: Tensor, axis: number): Tensor =>
        div(t, sqrt(maximum(sum(mul(t, t), axis, true), 1e-12)));
      x = l2(x, ax);
      y = l2(y, ay);
    }
    if (x.rank === 2) return sum(mul(x, y), 1, true);
    // Batched matrix product with x's contracted axis last and y's first (after the batch).
    const xt = ax === 2 ? x : transpose(x, [0, 2, 1]);
    const yt = ay === 1 ? y : transpose(y, [0, 2, 1]);
    return matMul(xt, yt);
  }

  override getConfig(): ConfigDict {
    return {
      ...super.getConfig(),
      axes: typeof this.axes === 'number' ? this.axes : [...this.axes],
      normalize: this.normalize,
    };
  }
}
