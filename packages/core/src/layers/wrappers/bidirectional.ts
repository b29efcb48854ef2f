import { tidy } from '../../engine/api.js';
import type { Tensor } from '../../engine/tensor.js';
import type { ConfigDict } from '../../initializers/initializers.js';
import { add, mul } from '../../ops/binary.js';
import { tensor1d } from '../../ops/creation.js';
import { concat, gather } from '../../ops/movement.js';
import { type CallOptions, Layer, type LayerArgs, type SymbolicShape, snakeCase } from '../layer.js';
import { RNNBase } from '../recurrent/rnn-base.js';
import { layerClass, type WrappedLayer, Wrapper } from './wrapper.js';

/**
 * How {@link Bidirectional} joins the forward and backward outputs: concatenated on the last axis, or
 * summed, multiplied or averaged elementwise.
 *
 * @example
 * ```ts
 * const m: nr.layers.BidirectionalMergeMode = 'concat';
 * ```
 */
export type BidirectionalMergeMode = 'concat' | 'sum' | 'mul' | 'ave';

const MERGE_MODES: readonly string[] = ['concat', 'sum', 'mul', 'ave'];

/**
 * Arguments of {@link bidirectional}.
 *
 * @example
 * ```ts
 * const args: nr.layers.BidirectionalArgs = { layer: nr.layers.lstm({ units: 8 }), mergeMode: 'sum' };
 * ```
 */
export interface BidirectionalArgs extends LayerArgs {
  /** The recurrent layer (`SimpleRNN`, `LSTM`, `GRU`), as an instance or `{ className, config }`. */
  layer: WrappedLayer;
  /**
   * How the two directions are joined (default `'concat'`). `null` (two separate outputs, as Keras allows)
   * is not supported: layers have one output.
   */
  mergeMode?: BidirectionalMergeMode | null;
  /**
   * The backward layer's saved form, as Keras 3 writes it; by default (and in tfjs-layers) it is the forward
   * layer's config with `goBackwards` flipped.
   */
  backwardLayer?: WrappedLayer;
}

/** The saved form of a recurrent layer given as an instance or as `{ className, config }`. */
function recurrentSpec(
  inner: WrappedLayer | undefined,
  where: string,
): { className: string; config: ConfigDict } {
  const bad = (got: string): Error =>
    new Error(`${where}: layer must be a recurrent layer (SimpleRNN, LSTM, GRU), got ${got}`);
  if (inner instanceof Layer) {
    if (!(inner instanceof RNNBase)) throw bad(inner.className);
    return { className: inner.className, config: inner.getConfig() };
  }
  if (
    !inner ||
    typeof inner !== 'object' ||
    typeof inner.className !== 'string' ||
    typeof inner.config !== 'object'
  ) {
    throw bad(JSON.stringify(inner));
  }
  return { className: inner.className, config: inner.config };
}

/** Create a recurrent layer from its saved form, checking that it is one. */
function makeRecurrent(spec: { className: string; config: ConfigDict }, where: string): RNNBase {
  const Cls = layerClass(spec.className);
  const layer = new Cls(spec.config as never);
  if (!(layer instanceof RNNBase)) {
    layer.dispose();
    throw new Error(
      `${where}: layer must be a recurrent layer (SimpleRNN, LSTM, GRU), got ${spec.className}`,
    );
  }
  return layer;
}

/**
 * Runs a recurrent layer over the sequence in both directions and joins the results. The forward layer is
 * a copy of `layer` named `forward_<name>`; the backward one has `goBackwards` flipped and is named
 * `backward_<name>`; their weights are `<bidirectional>/forward_<name>/kernel`, ... as tfjs-layers names
 * them. With `returnSequences`, the backward outputs are put back in time order before joining.
 *
 * @example
 * ```ts
 * const bi = new nr.layers.Bidirectional({ layer: nr.layers.lstm({ units: 4, returnSequences: true }) });
 * bi.apply(nr.ones([2, 5, 3])).shape; // [2, 5, 8]
 * ```
 */
export class Bidirectional extends Wrapper {
  static override readonly className = 'Bidirectional';
  /** The layer reading the sequence in its own direction. */
  readonly forwardLayer: RNNBase;
  /** The layer reading it the other way. */
  readonly backwardLayer: RNNBase;
  /** How the two outputs are joined. */
  readonly mergeMode: BidirectionalMergeMode;
  /** Whether every step is returned. */
  readonly returnSequences: boolean;
  private readonly layerConfig: { className: string; config: ConfigDict };

  constructor(args: BidirectionalArgs) {
    super(args);
    const where = `Bidirectional '${this.name}'`;
    const mode = args?.mergeMode === undefined ? 'concat' : args.mergeMode;
    if (mode === null) {
      throw new Error(
        `${where}: mergeMode null (separate forward and backward outputs) is not supported; use 'concat', 'sum', 'mul' or 'ave'`,
      );
    }
    if (!MERGE_MODES.includes(mode)) {
      throw new Error(
        `${where}: mergeMode must be one of ${MERGE_MODES.join(', ')}, got ${JSON.stringify(mode)}`,
      );
    }
    this.mergeMode = mode;
    this.layerConfig = recurrentSpec(args.layer, where);
    const base = this.layerConfig.config;
    const name = typeof base.name === 'string' ? base.name : snakeCase(this.layerConfig.className);
    const forward = makeRecurrent(
      { className: this.layerConfig.className, config: { ...base, name: `forward_${name}` } },
      where,
    );
    let backward: RNNBase;
    try {
      const spec = args.backwardLayer
        ? recurrentSpec(args.backwardLayer, where)
        : {
            className: this.layerConfig.className,
            config: { ...base, goBackwards: !(base.goBackwards ?? false) },
          };
      const backName = typeof spec.config.name === 'string' && args.backwardLayer ? spec.config.name : name;
      backward = makeRecurrent(
        {
          className: spec.className,
          config: {
            ...spec.config,
            name: backName.startsWith('backward_') ? backName : `backward_${backName}`,
          },
        },
        where,
      );
    } catch (e) {
      forward.dispose();
      throw e;
    }
    if (forward.returnSequences !== backward.returnSequences) {
      forward.dispose();
      backward.dispose();
      throw new Error(`${where}: the forward and backward layers must agree on returnSequences`);
    }
    forward.weightScope = `${this.name}/${forward.name}`;
    backward.weightScope = `${this.name}/${backward.name}`;
    this.forwardLayer = forward;
    this.backwardLayer = backward;
    this.returnSequences = forward.returnSequences;
    this.supportsMasking = true; // both directions skip the masked steps
  }

  /** A returned sequence keeps the input's mask; the last output has none. */
  override computeMask(_inputs: Tensor | Tensor[], mask: Tensor | null): Tensor | null {
    return this.returnSequences ? mask : null;
  }

  protected override innerLayers(): Layer[] {
    return [this.forwardLayer, this.backwardLayer];
  }

  protected override checkInputShape(inputShape: SymbolicShape): void {
    try {
      this.forwardLayer.computeOutputShape(inputShape);
    } catch (e) {
      throw new Error(`Bidirectional '${this.name}': ${(e as Error).message}`);
    }
  }

  override build(inputShape: SymbolicShape): void {
    this.forwardLayer.ensureBuilt(inputShape);
    this.backwardLayer.ensureBuilt(inputShape);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    this.checkInputShape(inputShape);
    const f = this.forwardLayer.computeOutputShape(inputShape);
    if (this.mergeMode !== 'concat') return f;
    const b = this.backwardLayer.computeOutputShape(inputShape);
    const last = f.length - 1;
    const sum = f[last] == null || b[last] == null ? null : f[last]! + b[last]!;
    return [...f.slice(0, last), sum];
  }

  override call(inputs: Tensor, options: CallOptions = {}): Tensor {
    return tidy('Bidirectional', () => {
      const y = this.forwardLayer.apply(inputs, options);
      let yRev = this.backwardLayer.apply(inputs, options);
      const time = yRev.shape[1]!;
      if (this.returnSequences && time > 1) {
        // the backward layer returns its steps in the order it read them: put them back in time order
        const order = tensor1d(
          Array.from({ length: time }, (_, i) => time - 1 - i),
          'int32',
        );
        yRev = gather(yRev, order, 1);
      }
      switch (this.mergeMode) {
        case 'concat':
          return concat([y, yRev], -1);
        case 'sum':
          return add(y, yRev);
        case 'mul':
          return mul(y, yRev);
        case 'ave':
          return mul(add(y, yRev), 0.5);
      }
    });
  }

  override getConfig(): ConfigDict {
    return {
      ...super.getConfig(),
      layer: { className: this.layerConfig.className, config: { ...this.layerConfig.config } },
      mergeMode: this.mergeMode,
    };
  }
}

/**
 * Create a {@link Bidirectional} wrapper.
 *
 * @example
 * ```ts
 * nr.layers.bidirectional({ layer: nr.layers.gru({ units: 8 }), mergeMode: 'concat' });
 * ```
 */
export function bidirectional(args: BidirectionalArgs): Bidirectional {
  return new Bidirectional(args);
}
