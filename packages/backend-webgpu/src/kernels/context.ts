/**
 * What every kernel's glue receives: the command runtime and the handle storage.
 *
 * @packageDocumentation
 */
import type { Handle, TensorInfo } from '@neurona/core';
import type { Runtime } from '../runtime.js';
import type { GpuStorage } from '../storage.js';

/**
 * The runtime and storage of one backend instance.
 *
 * @example
 * ```ts
 * const ctx: KernelContext = { rt, store };
 * ```
 */
export interface KernelContext {
  readonly rt: Runtime;
  readonly store: GpuStorage;
}

/**
 * Allocate the output of a kernel. `buffer` is null for a size-0 output, which needs no dispatch.
 *
 * @example
 * ```ts
 * const { handle, buffer } = output(ctx, out);
 * if (!buffer) return handle;
 * ```
 */
export function output(ctx: KernelContext, out: TensorInfo): { handle: Handle; buffer: GPUBuffer | null } {
  return ctx.store.allocate(out);
}
