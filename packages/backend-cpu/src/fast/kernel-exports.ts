/**
 * The WebAssembly kernel module as the glue sees it: its exports, and the task functions the worker pool may
 * run, by number. Keep in step with `assembly/index.ts`.
 *
 * @packageDocumentation
 */

/**
 * The exports of the kernel module, as the glue calls them. Task functions take
 * `(descriptor, task, threadId)`.
 *
 * @example
 * ```ts
 * const k = instance.exports as unknown as KernelExports;
 * ```
 */
export interface KernelExports {
  gemmPackBTask(d: number, t: number, tid: number): void;
  gemmTask(d: number, t: number, tid: number): void;
  gemmSplitKTask(d: number, t: number, tid: number): void;
  sumPartials(
    dst: number,
    partials: number,
    count: number,
    size: number,
    step: number,
    accumulate: number,
  ): void;
  convGradInputTask(d: number, t: number, tid: number): void;
  convC1FilterTask(d: number, t: number, tid: number): void;
  depthwiseTask(d: number, t: number, tid: number): void;
  depthwiseGradInputTask(d: number, t: number, tid: number): void;
  depthwiseGradFilterTask(d: number, t: number, tid: number): void;
  maxPoolTask(d: number, t: number, tid: number): void;
  maxPoolGradTask(d: number, t: number, tid: number): void;
  avgPoolTask(d: number, t: number, tid: number): void;
  avgPoolGradTask(d: number, t: number, tid: number): void;
  channelAffineTask(d: number, t: number, tid: number): void;
  unaryF32(op: number, x: number, o: number, n: number): void;
  binaryF32(
    op: number,
    a: number,
    aRow: number,
    aCol: number,
    b: number,
    bRow: number,
    bCol: number,
    o: number,
    rows: number,
    inner: number,
  ): void;
  boolToF32(x: number, o: number, n: number): void;
  reluGradF32(dy: number, y: number, o: number, n: number): void;
  i32ToF32(x: number, o: number, n: number): void;
  f32ToBool(x: number, o: number, n: number): void;
  reduceRows(op: number, x: number, o: number, rows: number, inner: number): void;
  softmaxRows(log: number, x: number, o: number, rows: number, n: number): void;
  permute4(
    dst: number,
    src: number,
    s0: number,
    s1: number,
    s2: number,
    s3: number,
    t0: number,
    t1: number,
    t2: number,
    t3: number,
  ): void;
  fillF32(dst: number, n: number, value: number): void;
  segmentSum(
    x: number,
    ids: number,
    rows: number,
    inner: number,
    segments: number,
    acc: number,
    o: number,
  ): void;
  adamUpdate(
    w: number,
    g: number,
    m: number,
    v: number,
    vh: number,
    n: number,
    lrT: number,
    c1: number,
    c2: number,
    eps: number,
  ): void;
  sgdUpdate(w: number, g: number, vel: number, n: number, lr: number, mom: number, nesterov: number): void;
  lstmGates(
    x: number,
    xRs: number,
    z: number,
    hasZ: number,
    p: number,
    pp: number,
    pRs: number,
    hasPrev: number,
    rows: number,
    n: number,
  ): void;
  gruGates(
    x: number,
    xRs: number,
    inner: number,
    innerRs: number,
    hasInner: number,
    rb: number,
    p: number,
    pp: number,
    pRs: number,
    hasPrev: number,
    resetAfter: number,
    rows: number,
    n: number,
  ): void;
  gruCandidate(
    x: number,
    xRs: number,
    ah: number,
    hasAh: number,
    p: number,
    pp: number,
    pRs: number,
    hasPrev: number,
    resetAfter: number,
    rows: number,
    n: number,
  ): void;
  lstmBackGates(
    d: number,
    p: number,
    pp: number,
    pRs: number,
    hasPrev: number,
    o: number,
    oRs: number,
    dhNext: number,
    dcNext: number,
    rows: number,
    n: number,
  ): void;
  gruBackGates(
    d: number,
    p: number,
    pp: number,
    pRs: number,
    hasPrev: number,
    o: number,
    oRs: number,
    dhNext: number,
    dhs: number,
    resetAfter: number,
    rows: number,
    n: number,
  ): void;
  gruBackReset(
    p: number,
    pp: number,
    pRs: number,
    hasPrev: number,
    o: number,
    oRs: number,
    rh: number,
    rows: number,
    n: number,
  ): void;
  gruBackState(
    p: number,
    pRs: number,
    acc: number,
    rh: number,
    dhs: number,
    dhNext: number,
    resetAfter: number,
    rows: number,
    n: number,
  ): void;
}

/**
 * Names of the task functions the worker pool may run, in a fixed order (a job names its function by index).
 *
 * @example
 * ```ts
 * const id = TASKS.indexOf('gemmTask');
 * ```
 */
export const TASKS = Object.freeze([
  'gemmPackBTask',
  'gemmTask',
  'gemmSplitKTask',
  'convGradInputTask',
  'convC1FilterTask',
  'depthwiseTask',
  'depthwiseGradInputTask',
  'depthwiseGradFilterTask',
  'maxPoolTask',
  'maxPoolGradTask',
  'avgPoolTask',
  'avgPoolGradTask',
  'channelAffineTask',
] as const);

/**
 * One of {@link TASKS}.
 *
 * @example
 * ```ts
 * const t: TaskName = 'gemmTask';
 * ```
 */
export type TaskName = (typeof TASKS)[number];
