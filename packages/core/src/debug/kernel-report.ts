/**
 * `model.kernelReport()`: every kernel a training step of the model dispatches (forward and backward, by
 * its layers, loss, metrics and optimizer), and for each whether the active backend runs it natively, by a
 * composite of its other kernels, or not at all. Found by running one probe step on a batch of zeros with
 * a recording view of the backend, on a copy of the optimizer; the model's weights and the seeded generator
 * are put back afterwards.
 *
 * @packageDocumentation
 */
import { KERNEL_KINDS } from '../backend/kernel-kinds.js';
import type { Backend, KernelName, TensorInfo, TypedArray } from '../backend/types.js';
import { engine } from '../engine/engine.js';
import type { EngineHooks, FrameOwner } from '../engine/hooks.js';
import { sizeOf, type Variable } from '../engine/tensor.js';
import { zeros } from '../ops/creation.js';
import { getOptimizer, type Optimizer } from '../optimizers/index.js';
import type { FitModel } from '../training/fit-data.js';
import { trainStep } from '../training/step.js';
import { withoutGuards } from './debug.js';
import { currentSite, describeOwner } from './site.js';

/**
 * How the active backend runs a kernel: `native` (its own kernel), `composite` (core's default written from
 * the backend's other kernels) or `missing` (neither: the step would fail when it reaches the kernel).
 *
 * @example
 * ```ts
 * const s: nr.KernelSupport = 'composite';
 * ```
 */
export type KernelSupport = 'native' | 'composite' | 'missing';

/**
 * One row of a {@link KernelReport}: a kernel, who dispatches it and in which pass, and how it runs.
 *
 * @example
 * ```ts
 * const row = model.kernelReport().rows[0]!; // { kernel: 'conv2d', pass: 'forward', support: 'native', ... }
 * ```
 */
export interface KernelReportRow {
  readonly kernel: KernelName;
  /** `forward` and `backward` for layers and losses, `update` for the optimizer, `forward` for metrics. */
  readonly pass: 'forward' | 'backward' | 'update';
  /** The layer, loss, metric or optimizer that dispatches it (none for the autodiff bookkeeping). */
  readonly owner: FrameOwner | undefined;
  readonly support: KernelSupport;
  /** For a composite: the backend kernels it is made of. */
  readonly via: readonly KernelName[];
  /** Kernels the backend lacks that this row needs (the kernel itself, or parts of its composite). */
  readonly lacking: readonly KernelName[];
}

/**
 * What a training step of a model needs of the active backend; see `LayersModel.kernelReport`.
 *
 * @example
 * ```ts
 * const report = model.kernelReport();
 * console.log(report.toString());
 * if (report.missing.length > 0) throw new Error('this backend cannot train the model');
 * ```
 */
export class KernelReport {
  /**
   * @param backend Name of the backend the report is for.
   * @param rows One row per kernel, pass and owner, in dispatch order.
   */
  constructor(
    readonly backend: string,
    readonly rows: readonly KernelReportRow[],
  ) {}

  /** The rows the backend cannot run. */
  get missing(): readonly KernelReportRow[] {
    return this.rows.filter((r) => r.support === 'missing');
  }

  /** The report as a Markdown table. */
  toString(): string {
    const head = `| kernel | pass | dispatched by | on '${this.backend}' |\n|---|---|---|---|`;
    const lines = this.rows.map((r) => {
      const how =
        r.support === 'native'
          ? 'native'
          : r.support === 'composite'
            ? `composite (${r.via.join(', ')})`
            : `missing (lacks ${r.lacking.join(', ')})`;
      return `| ${r.kernel} | ${r.pass} | ${describeOwner(r.owner)} | ${how} |`;
    });
    return [head, ...lines].join('\n');
  }
}

interface MutableRow {
  kernel: KernelName;
  pass: KernelReportRow['pass'];
  owner: FrameOwner | undefined;
  native: boolean;
  via: Set<KernelName>;
  lacking: Set<KernelName>;
}

/** Records, per (kernel, pass, owner), what the probe step dispatched. */
class Recorder {
  readonly rows = new Map<string, MutableRow>();
  /** False while the probe only needs outputs (the targets' forward pass): missing kernels still give zeros. */
  recording = true;
  private readonly views = new WeakMap<Backend, Backend>();

  readonly hooks: EngineHooks = {
    lookup: (kernel, native) => this.fused(kernel, native),
    backend: (b) => this.view(b),
  };

  private row(kernel: KernelName, native: boolean): MutableRow {
    const site = currentSite(engine());
    const pass = site.owner?.kind === 'optimizer' ? 'update' : site.backward ? 'backward' : 'forward';
    const owner = site.owner
      ? { kind: site.owner.kind, name: site.owner.name, className: site.owner.className }
      : undefined;
    const key = `${kernel}|${pass}|${owner?.kind}|${owner?.name}`;
    let r = this.rows.get(key);
    if (!r) {
      r = { kernel, pass, owner, native, via: new Set(), lacking: new Set() };
      this.rows.set(key, r);
    }
    return r;
  }

  /** A fused kernel was looked up: a row of its own, unless it is part of another kernel's composite. */
  private fused(kernel: KernelName, native: boolean): void {
    if (!this.recording) return;
    const inside = currentSite(engine()).composite;
    if (inside !== undefined && inside !== kernel) this.row(inside, false).via.add(kernel);
    else this.row(kernel, native);
  }

  /** A required kernel was called: a row of its own, or part of the running composite. */
  private required(kernel: KernelName, present: boolean): void {
    if (!this.recording) return;
    const inside = currentSite(engine()).composite;
    if (inside !== undefined) {
      const outer = this.row(inside, false);
      outer.via.add(kernel);
      if (!present) outer.lacking.add(kernel);
      return;
    }
    const r = this.row(kernel, present);
    if (!present) r.lacking.add(kernel);
  }

  /** The backend as kernels see it: required kernel calls are recorded; a missing one returns zeros. */
  private view(b: Backend): Backend {
    let v = this.views.get(b);
    if (v) return v;
    const table = b.kernels as unknown as Record<string, unknown>;
    const kernels = new Proxy(table, {
      get: (target, prop) => {
        const value = Reflect.get(target, prop);
        if (typeof prop !== 'string' || KERNEL_KINDS[prop as KernelName] !== 'required') return value;
        const present = typeof value === 'function';
        this.required(prop as KernelName, present);
        if (present) return value;
        return (...args: unknown[]) => {
          const out = args[args.length - 1] as TensorInfo;
          return b.upload(zeroData(out), out);
        };
      },
    });
    v = new Proxy(b, {
      get: (target, prop) => {
        if (prop === 'kernels') return kernels;
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    this.views.set(b, v);
    return v;
  }

  report(backend: string): KernelReport {
    const rows = [...this.rows.values()].map((r): KernelReportRow => {
      const lacking = r.native ? [] : KERNEL_KINDS[r.kernel] === 'required' ? [r.kernel] : [...r.lacking];
      const support: KernelSupport = r.native ? 'native' : lacking.length > 0 ? 'missing' : 'composite';
      return {
        kernel: r.kernel,
        pass: r.pass,
        owner: r.owner,
        support,
        via: r.native || KERNEL_KINDS[r.kernel] === 'required' ? [] : [...r.via],
        lacking,
      };
    });
    return new KernelReport(backend, rows);
  }
}

function zeroData(info: TensorInfo): TypedArray {
  const n = sizeOf(info.shape);
  return info.dtype === 'float32'
    ? new Float32Array(n)
    : info.dtype === 'int32'
      ? new Int32Array(n)
      : new Uint8Array(n);
}

/** Size given to `null` dimensions of the probe batch: 1 for the batch axis, 4 for others (e.g. time). */
const probeShape = (shape: readonly (number | null)[]): number[] =>
  shape.map((d, i) => d ?? (i === 0 ? 1 : 4));

/** @internal What the kernel report needs of a model. */
export interface ReportModel extends FitModel {
  readonly built: boolean;
  readonly weights: Variable[];
}

/**
 * @internal The kernel report of `model` on the active backend (see {@link KernelReport}).
 */
export function kernelReport(model: ReportModel, where: string): KernelReport {
  const spec = model.compiled;
  const optimizer = model.optimizer;
  if (!spec || !optimizer) throw new Error(`${where}: the model is not compiled; call compile() first`);
  if (!model.built) {
    throw new Error(
      `${where}: the model is not built yet (give the first layer an inputShape, or call build() or fit() first)`,
    );
  }
  const e = engine();
  const backend = e.backend;
  let copy: Optimizer;
  try {
    copy = getOptimizer({ className: optimizer.className, config: optimizer.getConfig() });
  } catch (err) {
    throw new Error(
      `${where}: cannot copy optimizer '${optimizer.className}' for the probe step (${(err as Error).message})`,
    );
  }
  const recorder = new Recorder();
  const weights = model.weights;
  const rng = e.rng.getState(); // the probe's dropout draws must not move the seeded sequence
  return withoutGuards(() => {
    const saved = weights.map((v) => e.keep(e.view(v, v.shape)));
    try {
      e.scoped('kernelReport', () => {
        const xs = model.inputs.map((t) => zeros(probeShape(t.shape), t.dtype));
        e.hooks = recorder.hooks;
        try {
          // Targets shaped like the outputs (found by an unrecorded inference pass), then the recorded step.
          recorder.recording = false;
          const preds = e.scoped('kernelReport.targets', () => model.execute(xs, { training: false }));
          const ys = preds.map((p, i) => {
            const sparse = /sparse/i.test(spec.lossFns[i]!.lossName);
            return zeros(sparse ? p.shape.slice(0, -1) : p.shape, 'float32');
          });
          for (const p of preds) p.dispose();
          recorder.recording = true;
          trainStep(model, spec, copy, xs, ys, null).dispose();
        } finally {
          e.hooks = null;
        }
      });
    } finally {
      weights.forEach((v, i) => {
        if (v.storage !== saved[i]!.storage) e.replaceStorage(v, saved[i]!.storage);
        saved[i]!.dispose();
      });
      copy.dispose();
      e.rng.setState(rng);
    }
    return recorder.report(backend.name);
  });
}
