/**
 * Plumbing shared by the fused ops (conv2d, pooling, softmax) and their composite defaults:
 * dispatch to a backend's fused kernel or to the composite, the window geometry behind
 * `conv2dInfo`/`pool2dInfo`, and host-built index tables for gather-based im2col.
 *
 * @packageDocumentation
 */
import type {
  Backend,
  Conv2DInfo,
  FusedKernels,
  Handle,
  Operand,
  Pool2DInfo,
  TensorInfo,
} from '../backend/types.js';
import { engine, type GradFn } from '../engine/engine.js';
import { shapesEqual, type Tensor } from '../engine/tensor.js';
import type { Padding } from '../ops/conv.js';
import { fmt } from '../ops/util.js';

/**
 * One call of an op that a backend may run as a fused kernel.
 *
 * @example
 * ```ts
 * const call: FusedCall<undefined> = { name: 'softmax', kernel: 'softmax', inputs: [x], out, run, composite };
 * ```
 * @internal
 */
export interface FusedCall<A> {
  /** Op name: recorded on the tape and used in errors. */
  readonly name: string;
  /** The optional kernel that runs the op natively; without one the composite always runs. */
  readonly kernel?: keyof FusedKernels;
  readonly inputs: readonly Tensor[];
  /** Validated output metadata. */
  readonly out: TensorInfo;
  /** Runs the fused kernel (only called when the backend has it). */
  readonly run: (backend: Backend, inputs: readonly Operand[]) => Handle;
  /** The default, written from core ops; it must return a tensor matching `out`. */
  readonly composite: () => Tensor;
  readonly grad?: GradFn<A>;
  readonly attrs?: A;
}

/**
 * Run a fused op: the backend's kernel when it has one, else the composite. The composite runs untaped
 * in its own scope (its intermediates are freed, or handed to an active tape, which frees them when it is
 * released), and one tape node named `call.name` is recorded with the op's own gradient rule.
 *
 * @example
 * ```ts
 * const y = runFused({ name: 'softmax', kernel: 'softmax', inputs: [x], out, run, composite: () => f(x), grad });
 * ```
 * @internal
 */
export function runFused<A>(call: FusedCall<A>): Tensor {
  const e = engine();
  const b = e.backend;
  if (call.kernel !== undefined && e.hasKernel(call.kernel)) return e.runKernel(call);
  call.inputs.forEach((t, i) => {
    t.assertLive(`${call.name}: input ${i}`);
    if (t.storage.backend !== b) {
      const where =
        t.storage.backend.name === b.name
          ? `another '${b.name}' backend instance than the active one`
          : `backend '${t.storage.backend.name}' but the active backend is '${b.name}'`;
      throw new Error(
        `${call.name}: input ${i} lives on ${where}; move it explicitly with nr.moveTo(tensor)`,
      );
    }
  });
  const composite = call.kernel ? () => e.framed({ composite: call.kernel }, call.composite) : call.composite;
  const z = e.paused(() => e.scoped(call.name, composite));
  // A composite may hand back an input unchanged (nothing to do); the fused op's output must still be a new
  // tensor, or the tape would record a node whose output is its own input.
  const y = call.inputs.includes(z) ? e.view(z, z.shape) : z;
  if (!shapesEqual(y.shape, call.out.shape) || y.dtype !== call.out.dtype) {
    throw new Error(
      `${call.name}: the composite produced ${fmt(y.shape)} ${y.dtype}, expected ${fmt(call.out.shape)} ${call.out.dtype} (a bug in core)`,
    );
  }
  e.hooks?.output?.(call.name, call.inputs, y);
  if (call.grad) e.recordNode(call.name, call.inputs, y, call.grad as GradFn<unknown>, call.attrs);
  return y;
}

// ------------------------------------------------------------------ primitive helpers (untaped)

/**
 * Append one row filled with `value` along axis 1 of a rank-3 tensor (the target of out-of-bounds indices).
 *
 * @example
 * ```ts
 * appendFillRow(x3, 0); // [n, rows, c] -> [n, rows + 1, c]
 * ```
 * @internal
 */
export function appendFillRow(x: Tensor, value: number): Tensor {
  const paddings: [number, number][] = [
    [0, 0],
    [0, 1],
    [0, 0],
  ];
  const out = { shape: [x.shape[0]!, x.shape[1]! + 1, x.shape[2]!], dtype: x.dtype };
  return engine().runKernel({
    name: 'pad',
    inputs: [x],
    out,
    run: (b, [xo]) => b.kernels.pad(xo!, paddings, value, out),
  });
}

/**
 * Gather rows along axis 1 of a rank-3 tensor `[n, rows, c]` at host indices; index `rows` means "a row
 * of `fill`" when the table has such entries. Returns `[n, table.length, c]`.
 *
 * @example
 * ```ts
 * gatherRows(x3, Int32Array.of(0, 2, 2), true, 0);
 * ```
 * @internal
 */
export function gatherRows(x: Tensor, table: Int32Array, hasFill: boolean, fill: number): Tensor {
  const e = engine();
  const src = hasFill ? appendFillRow(x, fill) : x;
  const idx = e.upload(table, { shape: [table.length], dtype: 'int32' });
  const out = { shape: [x.shape[0]!, table.length, x.shape[2]!], dtype: x.dtype };
  const y = e.runKernel({
    name: 'gather',
    inputs: [src, idx],
    out,
    run: (b, [so, io]) => b.kernels.gather(so!, io!, 1, out),
  });
  idx.dispose();
  if (src !== x) src.dispose();
  return y;
}

// ------------------------------------------------------------------ window geometry

/**
 * Spatial geometry of a sliding window (convolution or pooling), padding resolved to explicit amounts.
 *
 * @example
 * ```ts
 * const { outHeight, padTop } = windowGeometry('maxPool', [4, 4], [2, 2], [2, 2], 'same', [1, 1]);
 * ```
 * @internal
 */
export interface WindowGeometry {
  readonly outHeight: number;
  readonly outWidth: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  readonly dilationHeight: number;
  readonly dilationWidth: number;
  readonly padTop: number;
  readonly padBottom: number;
  readonly padLeft: number;
  readonly padRight: number;
}

/**
 * Check a stride or dilation argument (a positive integer or a pair) and return it as a pair.
 *
 * @example
 * ```ts
 * toPair(2, 'strides', 'conv2d'); // [2, 2]
 * ```
 * @internal
 */
export function toPair(v: number | readonly number[], what: string, opName: string): [number, number] {
  const p = typeof v === 'number' ? [v, v] : [...v];
  if (p.length !== 2 || !p.every((d) => Number.isInteger(d) && d > 0)) {
    throw new Error(
      `${opName}: ${what} must be a positive integer or a pair of them, got ${JSON.stringify(v)}`,
    );
  }
  return [p[0]!, p[1]!];
}

const isPad = (d: unknown): d is number => typeof d === 'number' && Number.isInteger(d) && d >= 0;

/**
 * Resolve padding and output size of a window of `filter` (before dilation) over `input`, TensorFlow-style:
 * 'same' pads `max((out - 1) * stride + effectiveFilter - in, 0)` in total, the smaller half on top/left.
 *
 * @example
 * ```ts
 * windowGeometry('conv2d', [5, 5], [3, 3], [2, 2], 'same', [1, 1]).outHeight; // 3
 * ```
 * @internal
 */
export function windowGeometry(
  opName: string,
  input: readonly [number, number],
  filter: readonly [number, number],
  strides: readonly [number, number],
  padding: Padding,
  dilations: readonly [number, number],
): WindowGeometry {
  const [inH, inW] = input;
  const [sh, sw] = strides;
  const [dh, dw] = dilations;
  const effH = (filter[0] - 1) * dh + 1;
  const effW = (filter[1] - 1) * dw + 1;
  let pads: [number, number, number, number];
  if (padding === 'valid') pads = [0, 0, 0, 0];
  else if (padding === 'same') {
    const totalH = Math.max((Math.ceil(inH / sh) - 1) * sh + effH - inH, 0);
    const totalW = Math.max((Math.ceil(inW / sw) - 1) * sw + effW - inW, 0);
    pads = [
      Math.floor(totalH / 2),
      totalH - Math.floor(totalH / 2),
      Math.floor(totalW / 2),
      totalW - Math.floor(totalW / 2),
    ];
  } else if (isPad(padding)) pads = [padding, padding, padding, padding];
  else if (
    Array.isArray(padding) &&
    padding.length === 2 &&
    padding.every((p) => Array.isArray(p) && p.length === 2 && p.every(isPad))
  ) {
    pads = [padding[0][0], padding[0][1], padding[1][0], padding[1][1]];
  } else {
    throw new Error(
      `${opName}: padding must be 'same', 'valid', a non-negative integer or [[top, bottom], [left, right]], got ${JSON.stringify(padding)}`,
    );
  }
  const [pt, pb, pl, pr] = pads;
  const paddedH = inH + pt + pb;
  const paddedW = inW + pl + pr;
  if (paddedH < effH || paddedW < effW) {
    const dilated = dh > 1 || dw > 1 ? ` (${effH}x${effW} once dilated)` : '';
    throw new Error(
      `${opName}: the ${filter[0]}x${filter[1]} window${dilated} is larger than the padded input (${paddedH}x${paddedW})`,
    );
  }
  return {
    outHeight: Math.floor((paddedH - effH) / sh) + 1,
    outWidth: Math.floor((paddedW - effW) / sw) + 1,
    strideHeight: sh,
    strideWidth: sw,
    dilationHeight: dh,
    dilationWidth: dw,
    padTop: pt,
    padBottom: pb,
    padLeft: pl,
    padRight: pr,
  };
}

// ------------------------------------------------------------------ index tables

/**
 * A host index table for {@link gatherRows}; `hasFill` tells whether it points at the fill row.
 *
 * @example
 * ```ts
 * const { table, hasFill }: IndexTable = windowTable(info);
 * ```
 * @internal
 */
export interface IndexTable {
  readonly table: Int32Array;
  readonly hasFill: boolean;
}

const cache = new Map<string, IndexTable>();
const CACHE_SIZE = 64;

function cached(key: string, build: () => IndexTable): IndexTable {
  const hit = cache.get(key);
  if (hit) return hit;
  const made = build();
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(key, made);
  return made;
}

const dilationOf = (info: Conv2DInfo | Pool2DInfo): [number, number] =>
  'dilationHeight' in info ? [info.dilationHeight, info.dilationWidth] : [1, 1];

const keyOf = (kind: string, info: Conv2DInfo | Pool2DInfo): string =>
  [
    kind,
    info.inHeight,
    info.inWidth,
    info.outHeight,
    info.outWidth,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    ...dilationOf(info),
    info.padTop,
    info.padLeft,
  ].join(',');

/**
 * im2col table: for output position `o` and window slot `k = kh * fw + kw`, entry `o * K + k` is the flat
 * input position `ih * inWidth + iw` it reads, or `inHeight * inWidth` (the fill row) in the padding.
 *
 * @example
 * ```ts
 * const { table, hasFill } = windowTable(info);
 * ```
 * @internal
 */
export function windowTable(info: Conv2DInfo | Pool2DInfo): IndexTable {
  return cached(keyOf('window', info), () => {
    const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW, filterHeight: FH, filterWidth: FW } = info;
    const [dh, dw] = dilationOf(info);
    const fill = H * W;
    const table = new Int32Array(OH * OW * FH * FW);
    let hasFill = false;
    let i = 0;
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        for (let kh = 0; kh < FH; kh++) {
          const ih = oh * info.strideHeight - info.padTop + kh * dh;
          for (let kw = 0; kw < FW; kw++) {
            const iw = ow * info.strideWidth - info.padLeft + kw * dw;
            const inside = ih >= 0 && ih < H && iw >= 0 && iw < W;
            if (!inside) hasFill = true;
            table[i++] = inside ? ih * W + iw : fill;
          }
        }
      }
    }
    return { table, hasFill };
  });
}

/**
 * Transposed table (col2im by gathering): for input position `p` and window slot `k`, entry `p * K + k`
 * names the output position `o` whose window reads `p` at slot `k` (`o * K + k` when `perSlot`),
 * or the fill row (`outH * outW`, times `K` when `perSlot`) when there is none.
 *
 * @example
 * ```ts
 * const { table, hasFill } = inverseWindowTable(info, false);
 * ```
 * @internal
 */
export function inverseWindowTable(info: Conv2DInfo | Pool2DInfo, perSlot: boolean): IndexTable {
  return cached(keyOf(perSlot ? 'inverse-slot' : 'inverse', info), () => {
    const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW, filterHeight: FH, filterWidth: FW } = info;
    const { strideHeight: sh, strideWidth: sw } = info;
    const [dh, dw] = dilationOf(info);
    const K = FH * FW;
    const fill = perSlot ? OH * OW * K : OH * OW;
    const table = new Int32Array(H * W * K);
    let hasFill = false;
    let i = 0;
    for (let ih = 0; ih < H; ih++) {
      for (let iw = 0; iw < W; iw++) {
        for (let kh = 0; kh < FH; kh++) {
          const th = ih + info.padTop - kh * dh;
          const oh = th / sh;
          const okH = th >= 0 && th % sh === 0 && oh < OH;
          for (let kw = 0; kw < FW; kw++) {
            const tw = iw + info.padLeft - kw * dw;
            const ow = tw / sw;
            const ok = okH && tw >= 0 && tw % sw === 0 && ow < OW;
            if (!ok) hasFill = true;
            const o = oh * OW + ow;
            table[i++] = ok ? (perSlot ? o * K + kh * FW + kw : o) : fill;
          }
        }
      }
    }
    return { table, hasFill };
  });
}
