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
 * @module @neurona/core
 * @packageDocumentation
 */

export { KERNEL_KINDS, REQUIRED_KERNELS } from './backend/kernel-kinds.js';
export { optimizerRuleSlots } from './backend/optimizer-rule.js';
// Named (not `export type *`) so the API reference lists every type of the Backend contract.
export type {
  Backend,
  BackendStats,
  BinaryOp,
  Conv2DInfo,
  DataTypeMap,
  DType,
  FusedKernels,
  Handle,
  KernelName,
  Kernels,
  Operand,
  OptimizerRule,
  Pool2DInfo,
  ReduceOp,
  RequiredKernels,
  RnnSequenceInfo,
  SequenceKernelName,
  Shape,
  TensorInfo,
  TypedArray,
  UnaryOp,
} from './backend/types.js';
export type { EarlyStoppingArgs } from './callbacks/builtins.js';
export type { Callback, HistoryRecord, Logs, TrainingModel, TrainParams } from './callbacks/callback.js';
export { History } from './callbacks/callback.js';
export * as callbacks from './callbacks/index.js';
export type { BackendCheck } from './debug/backend-check.js';
export type { DebugOptions } from './debug/debug.js';
export { debug } from './debug/debug.js';
export type { KernelReportRow, KernelSupport } from './debug/kernel-report.js';
export { KernelReport } from './debug/kernel-report.js';
export type { LeakedTensors } from './debug/leaks.js';
export { LeakError } from './debug/leaks.js';
export type { InputRange } from './debug/non-finite.js';
export { NonFiniteError } from './debug/non-finite.js';
export type { DebugSite } from './debug/site.js';
export { dispose, getBackend, keep, memory, moveTo, setBackend, tidy } from './engine/api.js';
export type { GradFn, KernelCall, MemoryInfo } from './engine/engine.js';
export { Engine, engine } from './engine/engine.js';
export type { GradCheckOptions, GradCheckResult } from './engine/grad-check.js';
export { gradCheck } from './engine/grad-check.js';
export type { ValueAndGrads } from './engine/gradients.js';
export { customGrad, grad, grads, valueAndGrad, valueAndGrads, variableGrads } from './engine/gradients.js';
export type { FrameOwner } from './engine/hooks.js';
export type { NestedArray, TensorLike } from './engine/nested.js';
export type { RngState } from './engine/random.js';
export { Rng } from './engine/random.js';
export { shapesEqual, sizeOf, Tensor, Variable } from './engine/tensor.js';
export type { ConfigDict, ConfigValue, Initializer, SerializedInitializer } from './initializers/index.js';
export * as initializers from './initializers/index.js';
export * as io from './io/index.js';
export { loadModel, saveModel } from './io/model-io.js';
export type { ActivationName } from './layers/activations.js';
export { getActivation } from './layers/activations.js';
export * as layers from './layers/index.js';
export type { InputArgs } from './layers/input.js';
export { input } from './layers/input.js';
export type { CallOptions, LayerArgs, LayerInput, SymbolicShape } from './layers/layer.js';
export { Layer } from './layers/layer.js';
export type { LayerClass } from './layers/registry.js';
export { getLayerClass, registerLayer } from './layers/registry.js';
export { Node, SymbolicTensor } from './layers/symbolic.js';
export type { LossFn } from './losses/index.js';
export * as losses from './losses/index.js';
export type { Metric } from './metrics/index.js';
export * as metrics from './metrics/index.js';
export type { CompileArgs, LossArg, MetricArg } from './models/compile.js';
export type { ModelArgs } from './models/functional.js';
export { LayersModel, model } from './models/functional.js';
export { Perceptron, perceptron } from './models/perceptron.js';
export type { SequentialArgs } from './models/sequential.js';
export { Sequential, sequential } from './models/sequential.js';
export * from './ops/activations.js';
export * from './ops/binary.js';
export * from './ops/channel-affine.js';
export * from './ops/conv.js';
export * from './ops/conv-transpose.js';
export * from './ops/creation.js';
export * from './ops/depthwise-conv.js';
export * from './ops/fused.js';
export * from './ops/matmul.js';
export * from './ops/movement.js';
export * from './ops/pool.js';
export * from './ops/reduce.js';
export * from './ops/segment.js';
export * from './ops/shape.js';
export * from './ops/softmax.js';
export * from './ops/sparse-xent.js';
export * from './ops/unary.js';
export type { TensorOrLike } from './ops/util.js';
export { broadcastShapes } from './ops/util.js';
export * from './ops/where.js';
export type { LearningRateSchedule } from './optimizers/index.js';
export * as optimizers from './optimizers/index.js';
export { Optimizer } from './optimizers/index.js';
export * as train from './optimizers/train.js';
export type { Regularizer } from './regularizers/index.js';
export * as regularizers from './regularizers/index.js';
export * from './trace/index.js';
export type { GradientDescentMode } from './training/data.js';
export type { EvaluateArgs, FitArgs, PredictArgs } from './training/fit.js';
export type { ModelData } from './training/model-data.js';
export type { FitInWorkerOptions, FitInWorkerRun } from './worker/fit-in-worker.js';
export { fitInWorker, fitWorkerMemory } from './worker/fit-in-worker.js';
export type { WorkerEndpoint } from './worker/port.js';
export type { FitProgressEvent } from './worker/protocol.js';
export type { FitWorkerServer, ServeFitWorkerOptions, WorkerBackendFactory } from './worker/serve.js';
export { serveFitWorker } from './worker/serve.js';
