import type { Layer } from './layer.js';

/**
 * A layer class that saved models can recreate: a Keras `className` and a constructor taking its config.
 *
 * @example
 * ```ts
 * nr.registerLayer(MyLayer); // MyLayer.className === 'MyLayer'
 * ```
 */
export interface LayerClass {
  readonly className: string;
  // Constructors take their own argument types; saved configs are checked by the layer itself.
  new (config: never): Layer;
}

const registry = new Map<string, LayerClass>();

/**
 * Register a layer class so {@link loadModel} can deserialise it. Built-in layers are registered already.
 *
 * @example
 * ```ts
 * class Scale extends nr.Layer { static readonly className = 'Scale'; call(x: nr.Tensor) { return x; } }
 * nr.registerLayer(Scale);
 * ```
 */
export function registerLayer(cls: LayerClass): void {
  registry.set(cls.className, cls);
}

/**
 * Look up a registered layer class by its Keras class name (throws with the known names).
 *
 * @example
 * ```ts
 * const Dense = nr.getLayerClass('Dense');
 * ```
 */
export function getLayerClass(className: string): LayerClass {
  const cls = registry.get(className);
  if (!cls) {
    throw new Error(
      `unknown layer class '${className}' (registered: ${[...registry.keys()].sort().join(', ')})`,
    );
  }
  return cls;
}
