/**
 * Observation points of the engine's dispatch, used by `nr.debug` (leak and non-finite guards) and by
 * `model.kernelReport()`. With no hooks installed (the default) each point costs one null check.
 *
 * @packageDocumentation
 */
import type { Backend, FusedKernels } from '../backend/types.js';
import type { Tensor } from './tensor.js';

/**
 * Who dispatches a kernel: a layer (by its name and Keras class name), a loss, a metric, the optimizer.
 *
 * @example
 * ```ts
 * const owner: nr.FrameOwner = { kind: 'layer', name: 'conv2d_1', className: 'Conv2D' };
 * ```
 */
export interface FrameOwner {
  /** What the owner is. */
  readonly kind: 'layer' | 'loss' | 'metric' | 'optimizer';
  /** Its name (layer name, loss name, optimizer class name). */
  readonly name: string;
  /** The layer's Keras class name (layers only). */
  readonly className?: string;
  /** The variable being updated (optimizer only, when known). */
  readonly variable?: string;
}

/**
 * @internal One entry of the engine's frame stack: who runs the kernels that follow, whether they belong to
 * the backward pass, and which fused kernel's composite default they implement.
 */
export interface Frame {
  readonly owner?: FrameOwner;
  readonly backward?: boolean;
  readonly composite?: keyof FusedKernels;
}

/**
 * @internal Callbacks the engine calls at its dispatch points when installed as `engine().hooks`.
 */
export interface EngineHooks {
  /** Wrap the backend a kernel's `run` receives (the kernel report records the kernels it calls). */
  readonly backend?: (b: Backend) => Backend;
  /** A fused kernel was looked up on the active backend (`native`: the backend has it). */
  readonly lookup?: (kernel: keyof FusedKernels, native: boolean) => void;
  /** A kernel (or a fused op's composite) produced `output` from `inputs`. */
  readonly output?: (name: string, inputs: readonly Tensor[], output: Tensor) => void;
  /** A tensor or variable became live. */
  readonly created?: (t: Tensor) => void;
  /** A tensor or variable was disposed. */
  readonly disposed?: (t: Tensor) => void;
}
