/**
 * Handle storage of the WASM backend: a handle is a {@link WasmRecord} naming one tfjs-wasm tensor
 * (its `dataId` on the shared `BackendWasm` heap). Each `wasm()` backend keeps its own table, so its
 * `stats()` count only its handles; freeing goes through `BackendWasm.disposeData`.
 *
 * @packageDocumentation
 */
import type { BackendStats, DType, Handle, Operand, Shape, TensorInfo, TypedArray } from '@neurona/core';
import type { Runner, TfInfo } from './runner.js';
import { sizeOf } from './runner.js';

/**
 * What a WASM handle points at: a tfjs tensor info (data id, shape and dtype it was created with) and its size.
 *
 * @example
 * ```ts
 * const rec: WasmRecord = { tensor: tw.fill([2], 'float32', 0), bytes: 8 };
 * ```
 */
export interface WasmRecord {
  readonly tensor: TfInfo;
  readonly bytes: number;
}

const BYTES: Record<DType, number> = { float32: 4, int32: 4, bool: 1 };
const fmt = (s: Shape): string => `[${s.join(', ')}]`;

/**
 * The live handles of one backend.
 *
 * @example
 * ```ts
 * const store = new WasmStorage(tw);
 * const h = store.register(tw.fill([2], 'float32', 1), { shape: [2], dtype: 'float32' });
 * store.dispose(h);
 * ```
 */
export class WasmStorage {
  private readonly live = new Set<WasmRecord>();
  private liveBytes = 0;

  constructor(private readonly tw: Runner) {}

  /** Own a tensor that a kernel returned, checking that it holds what core expects (`out`). */
  register(tensor: TfInfo, out: TensorInfo, what = 'kernel'): Handle {
    const n = sizeOf(out.shape);
    if (sizeOf(tensor.shape) !== n || tensor.dtype !== out.dtype) {
      this.tw.free(tensor);
      throw new Error(
        `wasm: ${what} produced ${fmt(tensor.shape)} ${tensor.dtype}, expected ${fmt(out.shape)} ${out.dtype} (a bug in the wasm backend)`,
      );
    }
    const rec: WasmRecord = { tensor, bytes: n * BYTES[out.dtype] };
    this.live.add(rec);
    this.liveBytes += rec.bytes;
    return rec as unknown as Handle;
  }

  /** The live record behind a handle (throws for a foreign or freed handle). */
  record(handle: Handle): WasmRecord {
    const rec = handle as unknown as WasmRecord;
    if (!this.live.has(rec)) {
      throw new Error('wasm: unknown or already disposed handle (was it created by another backend?)');
    }
    return rec;
  }

  /** A kernel argument as a tfjs tensor info, with the operand's (possibly reshaped) shape. */
  input(x: Operand): TfInfo {
    const { tensor } = this.record(x.handle);
    return { dataId: tensor.dataId, shape: [...x.shape], dtype: x.dtype };
  }

  /** A fresh copy of a handle's data. */
  read(handle: Handle): TypedArray {
    const { tensor } = this.record(handle);
    return this.tw.backend.readSync(tensor.dataId) as TypedArray;
  }

  /** Free a handle's tensor. */
  dispose(handle: Handle): void {
    const rec = this.record(handle);
    this.live.delete(rec);
    this.liveBytes -= rec.bytes;
    this.tw.free(rec.tensor);
  }

  /** Live handles and bytes of this table. */
  stats(): BackendStats {
    return { handles: this.live.size, bytes: this.liveBytes };
  }
}
