/**
 * `@neurona/core`: tensors, the Backend contract, the engine with autodiff, and ops.
 *
 * @example
 * ```ts
 * import * as nr from '@neurona/core';
 * import { cpu } from '@neurona/backend-cpu';
 * await nr.setBackend(cpu());
 * const y = nr.tidy(() => nr.sigmoid(nr.matMul(nr.tensor2d([[1, 2]]), nr.tensor2d([[0.5], [-0.25]]))));
 * console.log(await y.array());
 * ```
 *
 * @packageDocumentation
 */
export type * from './backend/types.js';
export { Tensor, Variable, sizeOf, shapesEqual } from './engine/tensor.js';
export type { NestedArray, TensorLike } from './engine/nested.js';
export { Engine, engine } from './engine/engine.js';
export type { GradFn, KernelCall, MemoryInfo } from './engine/engine.js';
export { Rng } from './engine/random.js';
export { setBackend, getBackend, tidy, keep, dispose, memory, moveTo } from './engine/api.js';
export { grad, grads, valueAndGrad, valueAndGrads, variableGrads, customGrad } from './engine/gradients.js';
export type { ValueAndGrads } from './engine/gradients.js';
export { gradCheck } from './engine/grad-check.js';
export type { GradCheckOptions, GradCheckResult } from './engine/grad-check.js';
export { broadcastShapes } from './ops/util.js';
export type { TensorOrLike } from './ops/util.js';
export * from './ops/creation.js';
export * from './ops/unary.js';
export * from './ops/binary.js';
export * from './ops/shape.js';
export * from './ops/reduce.js';
export * from './ops/where.js';
export * from './ops/matmul.js';
export * from './ops/movement.js';
export * from './ops/activations.js';
export * from './ops/conv.js';
export * from './ops/pool.js';
export * from './ops/softmax.js';
export * from './ops/segment.js';
