// Entry point of the WebAssembly module: every export is called from src/fast/ (single-threaded calls) or
// by name from a worker of the pool (`...Task(descriptor, task, threadId)`).

export { channelAffineTask } from './affine';
export { convC1FilterTask, convGradInputTask } from './conv';
export { depthwiseGradFilterTask, depthwiseGradInputTask, depthwiseTask } from './depthwise';
export { unaryF32, binaryF32, boolToF32, i32ToF32, f32ToBool, reluGradF32 } from './elementwise';
export { gemmPackBTask, gemmSplitKTask, gemmTask, sumPartials } from './gemm';
export { avgPoolGradTask, avgPoolTask, maxPoolGradTask, maxPoolTask } from './pool';
export { permute4, reduceRows, segmentSum, softmaxRows } from './reduce';
export { fillF32 } from './simd';
export { adamUpdate, sgdUpdate } from './optimizer';
export { gruBackGates, gruBackReset, gruBackState, gruCandidate, gruGates, lstmBackGates, lstmGates } from './recurrent';
