import { tidy } from '../../engine/api.js';
import type { Tensor } from '../../engine/tensor.js';
import type { ConfigDict } from '../../initializers/initializers.js';
import { reshape } from '../../ops/shape.js';
import { type CallOptions, fmtShape, type Layer, type LayerArgs, type SymbolicShape } from '../layer.js';
import { layerSpec, toLayer, type WrappedLayer, Wrapper } from './wrapper.js';

/**
 * Arguments of {@link timeDistributed}.
 *
 * @example
 * ```ts
 * const args: nr.layers.TimeDistributedArgs = { layer: nr.layers.dense({ units: 8 }) };
 * ```
 */
export interface TimeDistributedArgs extends LayerArgs {
  /** The layer applied to every time step (an instance, or `{ className, config }`). */
  layer: WrappedLayer;
}

/**
 * Applies one layer to every time step of `[batch, time, ...]`: the steps are folded into the batch
 * (`[batch * time, ...]`), the layer runs once, and the result is unfolded to `[batch, time, ...out]`. The
 * weights are shared by all steps and named under the wrapper (`time_distributed/kernel`), as tfjs-layers
 * names them.
 *
 * @example
 * ```ts
 * const td = new nr.layers.TimeDistributed({ layer: nr.layers.dense({ units: 2 }) });
 * td.apply(nr.ones([4, 10, 3])).shape; // [4, 10, 2]
 * ```
 */
export class TimeDistributed extends Wrapper {
  static override readonly className = 'TimeDistributed';
  /** The layer applied to each step. */
  readonly layer: Layer;

  constructor(args: TimeDistributedArgs) {
    super(args);
    this.supportsMasking = true; // the time axis is kept, so is its mask
    this.layer = toLayer(args?.layer, `TimeDistributed '${this.name}'`);
    // (a layer built before wrapping keeps the weight names it has)
    if (!this.layer.built) this.layer.weightScope = this.name;
  }

  protected override innerLayers(): Layer[] {
    return [this.layer];
  }

  /** `[batch, time, ...rest]` to the inner layer's `[batch * time, ...rest]`. */
  private stepShape(inputShape: SymbolicShape): SymbolicShape {
    const [b, t] = inputShape;
    return [b == null || t == null ? null : b * t, ...inputShape.slice(2)];
  }

  protected override checkInputShape(inputShape: SymbolicShape): void {
    if (inputShape.length < 3) {
      throw new Error(
        `TimeDistributed '${this.name}': expected input of rank >= 3 [batch, time, ...], got ${fmtShape(inputShape)}`,
      );
    }
  }

  override build(inputShape: SymbolicShape): void {
    this.layer.ensureBuilt([null, ...inputShape.slice(2)]);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    this.checkInputShape(inputShape);
    const out = this.layer.computeOutputShape(this.stepShape(inputShape));
    if (out.length > 0 && Array.isArray(out[0])) {
      throw new Error(
        `TimeDistributed '${this.name}': the wrapped layer '${this.layer.name}' has several outputs`,
      );
    }
    return [inputShape[0] ?? null, inputShape[1] ?? null, ...(out as SymbolicShape).slice(1)];
  }

  override call(inputs: Tensor, options: CallOptions = {}): Tensor {
    this.checkInputShape(inputs.shape);
    const [b, t] = inputs.shape as [number, number];
    return tidy('TimeDistributed', () => {
      const { mask: _mask, ...inner } = options;
      const y = this.layer.apply(reshape(inputs, [b * t, ...inputs.shape.slice(2)]), inner);
      return reshape(y, [b, t, ...y.shape.slice(1)]);
    });
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), layer: layerSpec(this.layer) };
  }
}

/**
 * Create a {@link TimeDistributed} wrapper.
 *
 * @example
 * ```ts
 * nr.layers.timeDistributed({ layer: nr.layers.dense({ units: 4 }) });
 * ```
 */
export function timeDistributed(args: TimeDistributedArgs): TimeDistributed {
  return new TimeDistributed(args);
}
