import type { Backend } from '../backend/types.js';
import { assertNotTraining } from '../training/guard.js';
import { collectTensors, engine, type MemoryInfo } from './engine.js';
import type { Tensor } from './tensor.js';

/**
 * Make `backend` the active backend for every op that follows (awaiting its `init` if it has one).
 * Tensors already created stay on their backend; mixing backends in one op is an error.
 *
 * @example
 * ```ts
 * import * as nr from '@neurona/core';
 * import { cpu } from '@neurona/backend-cpu';
 * await nr.setBackend(cpu());
 * ```
 */
export async function setBackend(backend: Backend | Promise<Backend>): Promise<void> {
  const b = await backend;
  if (!b || typeof b.upload !== 'function' || typeof b.kernels !== 'object') {
    throw new Error('setBackend: expected a Backend object (for example cpu() from @neurona/backend-cpu)');
  }
  if (b.init) await b.init();
  assertNotTraining('setBackend');
  engine().setBackendSync(b);
}

/**
 * The active backend (throws when none is set).
 *
 * @example
 * ```ts
 * console.log(nr.getBackend().name); // 'cpu'
 * ```
 */
export function getBackend(): Backend {
  return engine().backend;
}

/**
 * Run `fn` and free every tensor it created, except those it returns (in arrays or plain objects) or
 * passes to {@link keep}. `fn` must be synchronous.
 *
 * @example
 * ```ts
 * const y = nr.tidy(() => nr.relu(nr.add(x, 1))); // the intermediate `x + 1` is freed
 * ```
 */
export function tidy<T>(fn: () => T): T;
export function tidy<T>(name: string, fn: () => T): T;
export function tidy<T>(nameOrFn: string | (() => T), maybeFn?: () => T): T {
  const name = typeof nameOrFn === 'string' ? nameOrFn : 'tidy';
  const fn = typeof nameOrFn === 'string' ? maybeFn : nameOrFn;
  if (typeof fn !== 'function') throw new Error('tidy: expected a function');
  return engine().scoped(name, fn);
}

/**
 * Keep a tensor created inside {@link tidy} alive after the tidy ends.
 *
 * @example
 * ```ts
 * let kept: nr.Tensor;
 * nr.tidy(() => { kept = nr.keep(nr.ones([2])); });
 * ```
 */
export function keep<T extends Tensor>(t: T): T {
  return engine().keep(t);
}

/**
 * Dispose every tensor found in `container` (a tensor, or arrays / plain objects holding tensors).
 *
 * @example
 * ```ts
 * nr.dispose([a, { b, c }]);
 * ```
 */
export function dispose(container: unknown): void {
  for (const t of collectTensors(container)) t.dispose();
}

/**
 * Live tensors and bytes held by the engine. `fit`, `evaluate` and `predict` leave it unchanged,
 * except for what they return.
 *
 * @example
 * ```ts
 * const before = nr.memory().numTensors;
 * nr.tidy(() => nr.square(x));
 * nr.memory().numTensors === before; // true
 * ```
 */
export function memory(): MemoryInfo {
  return engine().memory();
}

/**
 * Copy a tensor to the active backend (the explicit way to move data between backends).
 *
 * @example
 * ```ts
 * await nr.setBackend(other);
 * const moved = await nr.moveTo(t); // t stays where it was
 * ```
 */
export async function moveTo(t: Tensor): Promise<Tensor> {
  const data = await t.data();
  return engine().upload(data, { shape: t.shape, dtype: t.dtype });
}
