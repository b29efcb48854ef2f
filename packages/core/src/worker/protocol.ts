/**
 * The messages between `fitInWorker` (the caller's thread) and `serveFitWorker` (the worker), and how
 * tensors and errors travel in them: a tensor as its typed array (transferred, not copied) with shape and
 * dtype, an error as its name, message and stack.
 *
 * @packageDocumentation
 */
import type { DType, TypedArray } from '../backend/types.js';
import type { Logs, TrainParams } from '../callbacks/callback.js';
import type { RngState } from '../engine/random.js';
import { Tensor } from '../engine/tensor.js';
import type { ModelArtifacts } from '../io/types.js';
import { tensor } from '../ops/creation.js';
import type { FitArgs } from '../training/fit.js';
import type { ModelData } from '../training/model-data.js';

/** Prefix of every message type, so a worker can share its port with other traffic. */
const P = 'neurona:';
/** Message types. */
export const MSG = {
  fit: `${P}fit`,
  stop: `${P}stop`,
  memory: `${P}memory`,
  progress: `${P}progress`,
  done: `${P}done`,
  error: `${P}error`,
  memoryReply: `${P}memory-reply`,
} as const;

/**
 * One progress report of {@link fitInWorker}, sent by the worker after each batch (`'batchEnd'`, with
 * `batch`), each epoch (`'epochEnd'`, logs with the `val_` values) and at the end (`'trainEnd'`, the last
 * epoch's logs). Epochs and batches are 0-based, as in callbacks.
 *
 * @example
 * ```ts
 * const onProgress = (e: nr.FitProgressEvent) => { if (e.kind === 'epochEnd') console.log(e.epoch, e.logs.loss); };
 * ```
 */
export interface FitProgressEvent {
  /** What ended: a batch, an epoch, or the whole training. */
  readonly kind: 'batchEnd' | 'epochEnd' | 'trainEnd';
  /** The epoch (0-based) the event belongs to. */
  readonly epoch: number;
  /** The batch within the epoch (0-based), on `'batchEnd'` only. */
  readonly batch?: number;
  /** The running logs of the epoch (`'batchEnd'`) or its final logs. */
  readonly logs: Logs;
  /** The run's parameters (epochs, steps per epoch, samples, ...), as `onTrainBegin` receives them. */
  readonly params: TrainParams;
  /** The name of the backend the worker trains on (its `getBackend().name`). */
  readonly backend: string;
}

/** A tensor in a message. */
export interface PackedTensor {
  readonly data: TypedArray;
  readonly shape: number[];
  readonly dtype: DType;
}

/** {@link ModelData} in a message: one tensor, a list, or a name-keyed object. */
export type PackedData =
  | { readonly kind: 'tensor'; readonly t: PackedTensor }
  | { readonly kind: 'list'; readonly ts: PackedTensor[] }
  | { readonly kind: 'record'; readonly entries: [string, PackedTensor][] };

/** The `fit` arguments that travel as they are (numbers, strings, booleans). */
export type PlainFitArgs = Omit<FitArgs, 'callbacks' | 'validationData' | 'sampleWeight'>;

/** An error in a message. */
export interface PackedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

/** Caller to worker: train. */
export interface FitRequest {
  readonly type: typeof MSG.fit;
  readonly id: string;
  readonly backend: string;
  readonly backendOptions?: unknown;
  readonly artifacts: ModelArtifacts;
  readonly x: PackedData;
  readonly y: PackedData;
  readonly validationData?: readonly [PackedData, PackedData];
  readonly sampleWeight?: PackedTensor;
  readonly args: PlainFitArgs;
  /** The caller's random generator position, so shuffling and dropout continue its sequence. */
  readonly rng: RngState;
  /** Send `'batchEnd'` events (false when nobody listens). */
  readonly batchEvents: boolean;
}

/** Worker to caller: training finished (or stopped); the trained model and the generator's position. */
export interface FitReply {
  readonly type: typeof MSG.done;
  readonly id: string;
  readonly artifacts: ModelArtifacts;
  readonly history: { epoch: number[]; history: Record<string, number[]>; updates: number };
  readonly rng: RngState;
  /** The worker backend's name (as `getBackend().name` says in the worker). */
  readonly backend: string;
}

/** Any message of the protocol. */
export type Message =
  | FitRequest
  | FitReply
  | { readonly type: typeof MSG.stop; readonly id: string }
  | { readonly type: typeof MSG.memory; readonly id: string }
  | { readonly type: typeof MSG.memoryReply; readonly id: string; readonly numTensors: number }
  | { readonly type: typeof MSG.progress; readonly id: string; readonly event: FitProgressEvent }
  | { readonly type: typeof MSG.error; readonly id: string; readonly error: PackedError };

/** Whether `m` is a message of this protocol. */
export function isMessage(m: unknown): m is Message {
  return (
    m !== null &&
    typeof m === 'object' &&
    typeof (m as { type?: unknown }).type === 'string' &&
    (m as { type: string }).type.startsWith(P)
  );
}

/** A buffer that may be transferred: a whole, unshared `ArrayBuffer` (a view of a larger one is copied). */
function own(data: TypedArray): TypedArray {
  const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
  return whole && data.buffer instanceof ArrayBuffer ? data : data.slice();
}

/** Read a tensor for a message; its buffer goes into `transfer`. */
export async function packTensor(t: Tensor, transfer: ArrayBuffer[]): Promise<PackedTensor> {
  const data = own(await t.data());
  transfer.push(data.buffer as ArrayBuffer);
  return { data, shape: [...t.shape], dtype: t.dtype };
}

/** Read model data for a message (`what` names it in errors). */
export async function packData(d: ModelData, transfer: ArrayBuffer[], what: string): Promise<PackedData> {
  if (d instanceof Tensor) return { kind: 'tensor', t: await packTensor(d, transfer) };
  if (Array.isArray(d)) {
    const ts: PackedTensor[] = [];
    for (const [i, t] of d.entries()) {
      if (!(t instanceof Tensor))
        throw new Error(`fitInWorker: ${what}[${i}] must be a Tensor, got ${typeof t}`);
      ts.push(await packTensor(t, transfer));
    }
    return { kind: 'list', ts };
  }
  if (d === null || typeof d !== 'object') {
    throw new Error(
      `fitInWorker: ${what} must be a Tensor, an array of tensors or an object of tensors keyed by name, got ${String(d)}`,
    );
  }
  const entries: [string, PackedTensor][] = [];
  for (const [k, t] of Object.entries(d as Readonly<Record<string, unknown>>)) {
    if (!(t instanceof Tensor))
      throw new Error(`fitInWorker: ${what}.${k} must be a Tensor, got ${typeof t}`);
    entries.push([k, await packTensor(t, transfer)]);
  }
  return { kind: 'record', entries };
}

/** A tensor from a message (owned by the caller). */
export function unpackTensor(p: PackedTensor): Tensor {
  return tensor(p.data, p.shape, p.dtype);
}

/** Model data from a message; every tensor made is also pushed to `made`, so the caller can free them. */
export function unpackData(p: PackedData, made: Tensor[]): ModelData {
  const one = (t: PackedTensor): Tensor => {
    const x = unpackTensor(t);
    made.push(x);
    return x;
  };
  if (p.kind === 'tensor') return one(p.t);
  if (p.kind === 'list') return p.ts.map(one);
  return Object.fromEntries(p.entries.map(([k, t]) => [k, one(t)]));
}

/** An error for a message. */
export function packError(e: unknown): PackedError {
  if (e instanceof Error) return { name: e.name, message: e.message, ...(e.stack ? { stack: e.stack } : {}) };
  return { name: 'Error', message: String(e) };
}

/**
 * The error `done` rejects with: the worker's name and message, and a stack that starts with the worker's
 * stack (where it was thrown) followed by the caller's.
 */
export function unpackError(p: PackedError, where: string): Error {
  const err = new Error(p.message);
  err.name = p.name;
  const local = err.stack?.split('\n').slice(1).join('\n') ?? '';
  err.stack = `${p.stack ?? `${p.name}: ${p.message}`}\n    at (${where})\n${local}`;
  return err;
}
