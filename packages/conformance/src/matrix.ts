/**
 * The kernel x backend matrix: for every kernel of the contract, whether a backend runs it natively and
 * whether the conformance tests that exercise it passed.
 *
 * @packageDocumentation
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Backend, FusedKernels, KernelName } from '@neurona/core';
import * as nr from '@neurona/core';
import type { Suite } from './harness.js';

/** Every kernel name of the contract with its kind (`required` or `fused`): core's one table. */
export const KERNEL_KINDS = nr.KERNEL_KINDS;

/**
 * Every kernel name of the contract (`RequiredKernels` keys, then `FusedKernels` keys), in contract order.
 *
 * @example
 * ```ts
 * KERNEL_NAMES.includes('matmul'); // true
 * ```
 */
export const KERNEL_NAMES: readonly KernelName[] = Object.freeze(Object.keys(KERNEL_KINDS) as KernelName[]);

/**
 * Status of one kernel in the matrix: `pass` when every test that exercises it passed, `fail` when at
 * least one failed (known gaps included), `untested` when no test ran for it.
 *
 * @example
 * ```ts
 * const s: KernelStatus = 'pass';
 * ```
 */
export type KernelStatus = 'pass' | 'fail' | 'untested';

/**
 * The JSON document written for one backend (shown by the docs site).
 *
 * @example
 * ```ts
 * const m: ConformanceMatrix = { backend: 'cpu', generated: new Date().toISOString(), kernels: {} };
 * ```
 */
export interface ConformanceMatrix {
  readonly backend: string;
  /** ISO 8601 time of the run. */
  readonly generated: string;
  readonly kernels: Record<string, { readonly native: boolean; readonly status: KernelStatus }>;
}

/**
 * Collects, test by test, the outcome for each kernel a test exercises, and builds the matrix.
 *
 * @example
 * ```ts
 * const rec = new MatrixRecorder();
 * rec.record(['matmul'], true);
 * rec.build('cpu', backend).kernels.matmul; // { native: true, status: 'pass' }
 * ```
 */
export class MatrixRecorder {
  private readonly outcomes = new Map<KernelName, { passed: number; failed: number }>();

  /** Record one test's outcome for each kernel it exercises. */
  record(kernels: readonly KernelName[], passed: boolean): void {
    for (const k of kernels) {
      const o = this.outcomes.get(k) ?? { passed: 0, failed: 0 };
      if (passed) o.passed++;
      else o.failed++;
      this.outcomes.set(k, o);
    }
  }

  /** Status of one kernel so far. */
  status(kernel: KernelName): KernelStatus {
    const o = this.outcomes.get(kernel);
    if (!o) return 'untested';
    return o.failed > 0 ? 'fail' : 'pass';
  }

  /** The matrix for `backend`: `native` is true when the backend's kernel table has the kernel. */
  build(name: string, backend: Backend): ConformanceMatrix {
    const kernels: Record<string, { native: boolean; status: KernelStatus }> = {};
    const table = backend.kernels as unknown as Record<string, unknown>;
    for (const k of KERNEL_NAMES) {
      kernels[k] = { native: typeof table[k] === 'function', status: this.status(k) };
    }
    return { backend: name, generated: new Date().toISOString(), kernels };
  }
}

/**
 * Default location of a backend's matrix: `<repo>/docs/public/conformance/<name>.json`, found from this
 * package's own location (`packages/conformance/src` or `packages/conformance/dist`).
 *
 * @example
 * ```ts
 * defaultMatrixFile('cpu'); // '/path/to/repo/docs/public/conformance/cpu.json'
 * ```
 */
export function defaultMatrixFile(name: string): string {
  return fileURLToPath(new URL(`../../../docs/public/conformance/${name}.json`, import.meta.url));
}

/**
 * Write a matrix as pretty-printed JSON, creating missing directories.
 *
 * @example
 * ```ts
 * writeMatrix('/tmp/cpu.json', recorder.build('cpu', backend));
 * ```
 */
export function writeMatrix(file: string, matrix: ConformanceMatrix): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(matrix, null, 2)}\n`);
}

/** For each fused kernel, a small computation whose forward or backward pass needs it (run inside a tidy). */
const FUSED_PROBES: Readonly<Record<keyof FusedKernels, () => unknown>> = {
  conv2d: () => nr.conv2d(nr.ones([1, 3, 3, 1]), nr.ones([2, 2, 1, 1])),
  conv2dGradInput: () =>
    nr.grads((x, f) => nr.conv2d(x!, f!))([nr.ones([1, 3, 3, 1]), nr.ones([2, 2, 1, 1])]),
  conv2dGradFilter: () =>
    nr.grads((x, f) => nr.conv2d(x!, f!))([nr.ones([1, 3, 3, 1]), nr.ones([2, 2, 1, 1])]),
  depthwiseConv2d: () => nr.depthwiseConv2d(nr.ones([1, 3, 3, 2]), nr.ones([2, 2, 2, 1])),
  depthwiseConv2dGradInput: () =>
    nr.grads((x, f) => nr.depthwiseConv2d(x!, f!))([nr.ones([1, 3, 3, 2]), nr.ones([2, 2, 2, 1])]),
  depthwiseConv2dGradFilter: () =>
    nr.grads((x, f) => nr.depthwiseConv2d(x!, f!))([nr.ones([1, 3, 3, 2]), nr.ones([2, 2, 2, 1])]),
  maxPool: () => nr.maxPool(nr.ones([1, 2, 2, 1]), 2),
  maxPoolGrad: () => nr.grad((x) => nr.maxPool(x, 2))(nr.reshape(nr.range(0, 4), [1, 2, 2, 1])),
  avgPool: () => nr.avgPool(nr.ones([1, 2, 2, 1]), 2),
  avgPoolGrad: () => nr.grad((x) => nr.avgPool(x, 2))(nr.ones([1, 2, 2, 1])),
  softmax: () => nr.softmax([1, 2]),
  logSoftmax: () => nr.logSoftmax([1, 2]),
  unsortedSegmentSum: () => nr.unsortedSegmentSum([1, 2], [0, 0], 1),
  optimizerUpdate: () => {
    const w = nr.variable(nr.ones([2]));
    const opt = nr.optimizers.sgd();
    opt.applyGradients([{ variable: w, grad: nr.ones([2]) }]);
    opt.dispose();
    w.dispose();
  },
  sparseSoftmaxCrossEntropy: () => nr.sparseSoftmaxCrossEntropy([0], [[1, 2]]),
  sparseSoftmaxCrossEntropyGrad: () =>
    nr.grad((x) => nr.sum(nr.sparseSoftmaxCrossEntropy([0], x)))(nr.tensor([[1, 2]])),
  lstmSequence: () => rnnProbe(() => nr.layers.lstm({ units: 2 }), false),
  lstmSequenceGrad: () => rnnProbe(() => nr.layers.lstm({ units: 2 }), true),
  gruSequence: () => rnnProbe(() => nr.layers.gru({ units: 2 }), false),
  gruSequenceGrad: () => rnnProbe(() => nr.layers.gru({ units: 2 }), true),
  rnnSequence: () => rnnProbe(() => nr.layers.simpleRNN({ units: 2 }), false),
  rnnSequenceGrad: () => rnnProbe(() => nr.layers.simpleRNN({ units: 2 }), true),
  matmulBiasActivation: () => nr.fusedMatMul({ a: [[1, 2]], b: [[3], [4]], bias: [1], activation: 'relu' }),
  conv2dBiasActivation: () =>
    nr.fusedConv2d({ x: nr.ones([1, 3, 3, 1]), filter: nr.ones([2, 2, 1, 1]), bias: [1] }),
  channelAffine: () =>
    nr.channelAffine({ x: [[1, 2]], mean: [0, 1], scale: [2, 3], offset: [1, 1], activation: 'relu6' }),
  reluGrad: () => nr.grad((x) => nr.sum(nr.relu(x)))(nr.tensor([-1, 2])),
};

/** Run a recurrent layer on a `[1, 2, 3]` input (and differentiate it), then dispose the layer. */
function rnnProbe(make: () => nr.Layer, grad: boolean): unknown {
  const layer = make();
  try {
    const x = nr.ones([1, 2, 3]);
    return grad ? nr.grad((v) => nr.sum(layer.apply(v)))(x) : layer.apply(x);
  } finally {
    layer.dispose();
  }
}

/**
 * Register the `matrix` group: the matrix reports a fused kernel as native when the backend's table has
 * it, so check that core really dispatches to it (and does not silently run the composite).
 *
 * @example
 * ```ts
 * registerDispatchTests(suite);
 * ```
 */
export function registerDispatchTests(suite: Suite): void {
  suite.group('matrix', (test) => {
    test('core dispatches to every fused kernel the backend provides', [], () => {
      const table = suite.raw.kernels as unknown as Record<string, unknown>;
      const missed: string[] = [];
      for (const [kernel, probe] of Object.entries(FUSED_PROBES)) {
        if (typeof table[kernel] !== 'function') continue;
        suite.resetCalls();
        nr.tidy(() => {
          probe();
        });
        if (!suite.calls.has(kernel as KernelName)) missed.push(kernel);
      }
      if (missed.length > 0) {
        throw new Error(
          `the backend provides ${missed.join(', ')}, but core ran the composite instead of calling it`,
        );
      }
    });
  });
}
