import type { Tensor, Variable } from '../../engine/tensor.js';
import type { ConfigDict } from '../../initializers/initializers.js';
import { add } from '../../ops/binary.js';
import { registerBuiltinLayers } from '../builtins.js';
import { Layer, type LayerArgs } from '../layer.js';
import { getLayerClass, type LayerClass } from '../registry.js';

/**
 * A layer given to a wrapper: an instance, or its saved form `{ className, config }` (Keras's nested
 * `{ class_name, config }` after io's camelCase conversion).
 *
 * @example
 * ```ts
 * const inner: nr.layers.WrappedLayer = { className: 'Dense', config: { units: 4 } };
 * ```
 */
export type WrappedLayer = Layer | { readonly className: string; readonly config: ConfigDict };

/**
 * The registered class of a saved layer (built-in layers are registered first, as `loadModel` does).
 *
 * @example
 * ```ts
 * const Dense = layerClass('Dense');
 * ```
 * @internal
 */
export function layerClass(className: string): LayerClass {
  registerBuiltinLayers();
  return getLayerClass(className);
}

/**
 * A layer instance from {@link WrappedLayer} (a saved form is created through the layer registry).
 *
 * @example
 * ```ts
 * const dense = toLayer({ className: 'Dense', config: { units: 2 } }, "TimeDistributed 'td'");
 * ```
 * @internal
 */
export function toLayer(inner: WrappedLayer | undefined, where: string): Layer {
  if (inner instanceof Layer) return inner;
  if (
    !inner ||
    typeof inner !== 'object' ||
    typeof inner.className !== 'string' ||
    typeof inner.config !== 'object'
  ) {
    throw new Error(`${where}: layer must be a Layer or { className, config }, got ${JSON.stringify(inner)}`);
  }
  const Cls = layerClass(inner.className);
  return new Cls(inner.config as never);
}

/**
 * The saved form of a layer, as Keras nests it: `{ className, config }`.
 *
 * @example
 * ```ts
 * layerSpec(nr.layers.dense({ units: 2 })); // { className: 'Dense', config: { units: 2, ... } }
 * ```
 * @internal
 */
export function layerSpec(layer: Layer): ConfigDict {
  return { className: layer.className, config: layer.getConfig() };
}

/**
 * Base of the layers that run other layers (`TimeDistributed`, `Bidirectional`). The wrapper owns its inner
 * layers: their weights are its weights (trainable only while both the wrapper and the inner layer are),
 * its penalties theirs, and disposing the wrapper frees them.
 *
 * @example
 * ```ts
 * const w: nr.layers.Wrapper = nr.layers.timeDistributed({ layer: nr.layers.dense({ units: 2 }) });
 * ```
 */
export abstract class Wrapper extends Layer {
  /** The inner layers, in weight order. */
  protected abstract innerLayers(): Layer[];

  constructor(args: LayerArgs = {}) {
    super(args);
  }

  override get trainableWeights(): Variable[] {
    return this.trainable ? this.innerLayers().flatMap((l) => l.trainableWeights) : [];
  }

  override get nonTrainableWeights(): Variable[] {
    return this.innerLayers().flatMap((l) => (this.trainable ? l.nonTrainableWeights : l.weights));
  }

  override countParams(): number {
    return this.innerLayers().reduce((n, l) => n + l.countParams(), 0);
  }

  override regularizationLoss(): Tensor | null {
    if (!this.trainable) return null;
    let total: Tensor | null = null;
    for (const l of this.innerLayers()) {
      const p = l.regularizationLoss();
      if (p) total = total ? add(total, p) : p;
    }
    return total;
  }

  override dispose(): void {
    for (const l of this.innerLayers()) l.dispose();
    super.dispose();
  }
}
