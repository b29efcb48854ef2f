/**
 * The shared machinery of the suite: the backend under test (instrumented to see which kernels run),
 * test registration with known gaps and matrix bookkeeping, and value assertions with precise messages.
 *
 * @packageDocumentation
 */
import type { Backend, KernelName, Tensor } from '@neurona/core';
import * as nr from '@neurona/core';
import { describe, it } from 'vitest';
import { MatrixRecorder } from './matrix.js';

/**
 * Tolerances of the suite's comparison families. Values compare as `|got - want| <= tol * (1 + |want|)`
 * (absolute near zero, relative for large values); gradients use the error of `nr.gradCheck`.
 *
 * @example
 * ```ts
 * const t: Tolerances = { ...DEFAULT_TOLERANCES, oracle: 2e-4 };
 * ```
 */
export interface Tolerances {
  /** Forward values against hand-computed fixtures (default 1e-5). */
  readonly fixture: number;
  /** Forward values against the TensorFlow.js CPU oracle on random shapes (default 1e-4). */
  readonly oracle: number;
  /** Finite-difference gradient error, relative to max(|analytic|, |numeric|, 1) (default 1e-3). */
  readonly gradient: number;
}

/**
 * The suite's default tolerances.
 *
 * @example
 * ```ts
 * DEFAULT_TOLERANCES.oracle; // 1e-4
 * ```
 */
export const DEFAULT_TOLERANCES: Tolerances = Object.freeze({ fixture: 1e-5, oracle: 1e-4, gradient: 1e-3 });

/**
 * What a test body receives: its id and the tolerance that applies to it.
 *
 * @example
 * ```ts
 * test('add', ['binary'], async ({ tol }) => expectClose(got, want, tol('fixture'), 'add'));
 * ```
 */
export interface TestContext {
  /** `<group>/<test name>`, the key used by `knownGaps` and `tolerance.tests`. */
  readonly id: string;
  /** The tolerance of `kind` for this test (a per-test override wins). */
  tol(kind: keyof Tolerances): number;
}

/**
 * Registers one test: a name, the contract kernels it exercises (for the matrix) and its body.
 *
 * @example
 * ```ts
 * test('softmax of [1, 2, 3]', ['softmax'], async () => { ... });
 * ```
 */
export type TestFn = (
  name: string,
  kernels: readonly KernelName[],
  body: (ctx: TestContext) => Promise<void> | void,
) => void;

/**
 * Settings of one suite run, resolved from the public options.
 *
 * @example
 * ```ts
 * const s: SuiteSettings = { knownGaps: {}, tolerances: DEFAULT_TOLERANCES, testTolerances: {} };
 * ```
 */
export interface SuiteSettings {
  readonly knownGaps: Readonly<Record<string, string>>;
  readonly tolerances: Tolerances;
  readonly testTolerances: Readonly<Record<string, number>>;
  readonly readSync?: boolean;
}

/**
 * State shared by every group of one `runConformance` call.
 *
 * @example
 * ```ts
 * suite.group('fixtures', (test) => test('add', ['binary'], () => {}));
 * ```
 */
export class Suite {
  /** Outcomes per kernel, for the matrix. */
  readonly matrix = new MatrixRecorder();
  /** Kernels the backend ran since the last {@link Suite.resetCalls}. */
  readonly calls = new Set<KernelName>();
  private readonly ids = new Set<string>();
  private active: Backend | null = null;
  private rawBackend: Backend | null = null;

  constructor(
    readonly name: string,
    readonly createBackend: () => Backend | Promise<Backend>,
    readonly settings: SuiteSettings,
  ) {}

  /** The backend under test, as handed to `nr.setBackend` (instrumented). */
  get backend(): Backend {
    if (!this.active)
      throw new Error(`conformance '${this.name}': the backend is not set up yet (beforeAll failed?)`);
    return this.active;
  }

  /** True once {@link Suite.setUp} has succeeded. */
  get isSetUp(): boolean {
    return this.active !== null;
  }

  /** The backend exactly as `createBackend` returned it. */
  get raw(): Backend {
    if (!this.rawBackend) throw new Error(`conformance '${this.name}': the backend is not set up yet`);
    return this.rawBackend;
  }

  /** Create the backend, instrument it and make it active. */
  async setUp(): Promise<void> {
    const b = await this.createBackend();
    this.rawBackend = b;
    this.active = instrument(b, (k) => this.calls.add(k));
    await nr.setBackend(this.active);
  }

  /** Forget the kernels recorded so far. */
  resetCalls(): void {
    this.calls.clear();
  }

  /** Every test id registered so far. */
  get testIds(): ReadonlySet<string> {
    return this.ids;
  }

  /** Register a `describe(group)` block whose tests get ids `<group>/<name>`. */
  group(group: string, body: (test: TestFn) => void): void {
    describe(group, () => {
      body((name, kernels, fn) => this.register(group, name, kernels, fn));
    });
  }

  private register(
    group: string,
    name: string,
    kernels: readonly KernelName[],
    fn: (ctx: TestContext) => Promise<void> | void,
  ): void {
    const id = `${group}/${name}`;
    if (this.ids.has(id)) throw new Error(`conformance: duplicate test id '${id}'`);
    this.ids.add(id);
    const gap = this.settings.knownGaps[id];
    const ctx: TestContext = {
      id,
      tol: (kind) => this.settings.testTolerances[id] ?? this.settings.tolerances[kind],
    };
    const run = async (): Promise<void> => {
      this.resetCalls();
      try {
        await fn(ctx);
      } catch (e) {
        this.matrix.record(kernels, false);
        throw e;
      }
      this.matrix.record(kernels, true);
    };
    if (gap !== undefined) it.fails(`${name} [known gap: ${gap}]`, run);
    else it(name, run);
  }
}

/**
 * Wrap a backend so that every kernel call is reported to `onCall`; everything else is forwarded to the
 * original object (methods are called with the original as `this`).
 *
 * @example
 * ```ts
 * const seen = new Set<string>();
 * await nr.setBackend(instrument(cpu(), (k) => seen.add(k)));
 * ```
 */
export function instrument(backend: Backend, onCall: (kernel: KernelName) => void): Backend {
  const wrapped = new Map<PropertyKey, unknown>();
  const kernels = new Proxy(backend.kernels, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      let w = wrapped.get(prop);
      if (!w) {
        const fn = value as (...args: unknown[]) => unknown;
        w = (...args: unknown[]) => {
          onCall(prop as KernelName);
          return fn.apply(target, args);
        };
        wrapped.set(prop, w);
      }
      return w;
    },
  });
  const methods = new Map<PropertyKey, unknown>();
  return new Proxy(backend, {
    get(target, prop) {
      if (prop === 'kernels') return kernels;
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      let m = methods.get(prop);
      if (!m) {
        m = (value as (...args: unknown[]) => unknown).bind(target);
        methods.set(prop, m);
      }
      return m;
    },
  });
}

/**
 * Whether `got` is within `tol` of `want`: `|got - want| <= tol * (1 + |want|)`; NaN matches NaN and an
 * infinity matches only the same infinity.
 *
 * @example
 * ```ts
 * close(1.00001, 1, 1e-4); // true
 * ```
 */
export function close(got: number, want: number, tol: number): boolean {
  if (Number.isNaN(want)) return Number.isNaN(got);
  if (!Number.isFinite(want)) return got === want;
  return Math.abs(got - want) <= tol * (1 + Math.abs(want));
}

/** Row-major coordinates of flat index `i` in `shape`. */
function coords(i: number, shape: readonly number[]): number[] {
  const c = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d]!;
    c[d] = n > 0 ? i % n : 0;
    i = n > 0 ? Math.floor(i / n) : 0;
  }
  return c;
}

/**
 * Throw a precise error unless `got` equals `want` elementwise within `tol` (see {@link close}).
 * The message names the first mismatch with its coordinates and counts the others.
 *
 * @example
 * ```ts
 * expectClose(await y.data(), [1, 2], 1e-5, 'add [2]', [2]);
 * ```
 */
export function expectClose(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  tol: number,
  what: string,
  shape: readonly number[] = [got.length],
): void {
  if (got.length !== want.length) {
    throw new Error(`${what}: got ${got.length} values, expected ${want.length}`);
  }
  let bad = 0;
  let first = -1;
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    if (!close(got[i]!, want[i]!, tol)) {
      bad++;
      if (first < 0) first = i;
      const err = Math.abs(got[i]! - want[i]!) / (1 + Math.abs(want[i]!));
      worst = Number.isNaN(err) ? Number.POSITIVE_INFINITY : Math.max(worst, err);
    }
  }
  if (bad > 0) {
    const at = shape.length > 0 ? ` [${coords(first, shape).join(', ')}]` : '';
    throw new Error(
      `${what}: ${bad} of ${want.length} values differ beyond ${tol}; first at flat index ${first}${at}: ` +
        `got ${got[first]}, expected ${want[first]} (worst scaled error ${worst.toExponential(2)})`,
    );
  }
}

/**
 * Throw unless a tensor has the expected shape (and dtype, when given).
 *
 * @example
 * ```ts
 * expectShape(y, [2, 3], 'float32', 'matMul');
 * ```
 */
export function expectShape(
  t: Tensor,
  shape: readonly number[],
  dtype: string | undefined,
  what: string,
): void {
  const same = t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i]);
  if (!same) throw new Error(`${what}: got shape [${t.shape.join(', ')}], expected [${shape.join(', ')}]`);
  if (dtype && t.dtype !== dtype) throw new Error(`${what}: got dtype ${t.dtype}, expected ${dtype}`);
}

/**
 * Run `build` in `nr.tidy` (so its inputs are freed), check the result's shape, dtype and values, then
 * dispose it.
 *
 * @example
 * ```ts
 * await expectTensor(() => nr.add([[1], [2]], [10, 20, 30]), [2, 3], [11, 21, 31, 12, 22, 32], 1e-5, 'add');
 * ```
 */
export async function expectTensor(
  build: () => Tensor,
  shape: readonly number[],
  values: ArrayLike<number>,
  tol: number,
  what: string,
  dtype?: string,
): Promise<void> {
  const y = nr.tidy(build);
  try {
    expectShape(y, shape, dtype, what);
    expectClose(await y.data(), values, tol, what, shape);
  } finally {
    y.dispose();
  }
}

/**
 * Read several tensors, then dispose them.
 *
 * @example
 * ```ts
 * const [a, b] = await readAll(nr.split(x, 2));
 * ```
 */
export async function readAll(ts: readonly Tensor[]): Promise<Float64Array[]> {
  try {
    return await Promise.all(ts.map(async (t) => Float64Array.from(await t.data())));
  } finally {
    nr.dispose([...ts]);
  }
}
