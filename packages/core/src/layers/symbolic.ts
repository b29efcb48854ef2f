import type { DType } from '../backend/types.js';
import type { Layer, SymbolicShape } from './layer.js';

let nextId = 0;

/**
 * A placeholder for a tensor in a functional model: it has a shape (batch dimension `null`) and a dtype but
 * no values, and remembers which layer application (node) made it. `nr.input(...)` makes the first ones;
 * `layer.apply(symbolic)` makes the next ones; `nr.model({ inputs, outputs })` is the graph between them.
 *
 * @example
 * ```ts
 * const x = nr.input({ shape: [4] });
 * const h = nr.layers.dense({ units: 3 }).apply(x);
 * console.log(h.shape); // [null, 3]
 * ```
 */
export class SymbolicTensor {
  /** Unique id within the process. */
  readonly id = nextId++;
  constructor(
    /** Shape with a `null` batch dimension (other dimensions may be `null` too). */
    readonly shape: SymbolicShape,
    /** Element type of the values this placeholder stands for. */
    readonly dtype: DType,
    /** The layer whose application made this tensor. */
    readonly sourceLayer: Layer,
    /** Which application of `sourceLayer` (index into its `inboundNodes`). */
    readonly nodeIndex: number,
    /** Which output of that application. */
    readonly tensorIndex: number,
  ) {}

  /** `'<layer name>/<node index>/<tensor index>'`, for messages. */
  get name(): string {
    return `${this.sourceLayer.name}/${this.nodeIndex}/${this.tensorIndex}`;
  }

  /** The rank (number of dimensions). */
  get rank(): number {
    return this.shape.length;
  }
}

/**
 * One application of a layer to symbolic inputs: which tensors went in (each knows its own source layer,
 * node and tensor index) and which came out. A layer applied twice (a shared layer) has two nodes.
 *
 * @example
 * ```ts
 * const node = layer.inboundNodes[0]!;
 * console.log(node.inboundLayers.map((l) => l.name));
 * ```
 */
export class Node {
  constructor(
    /** The layer applied. */
    readonly layer: Layer,
    /** Its inputs, in order (empty for the node of an `InputLayer`). */
    readonly inputs: readonly SymbolicTensor[],
    /** Its outputs, in order. */
    readonly outputs: readonly SymbolicTensor[],
    /** Index of this node in `layer.inboundNodes`. */
    readonly index: number,
  ) {}

  /** The layers that produced the inputs. */
  get inboundLayers(): Layer[] {
    return this.inputs.map((t) => t.sourceLayer);
  }
}

/** @internal True for a list of shapes (as opposed to one shape). */
export function isShapeList(s: SymbolicShape | readonly SymbolicShape[]): s is readonly SymbolicShape[] {
  return s.length > 0 && Array.isArray(s[0]);
}
