/**
 * `@neurona/conformance`: the one test suite every Neurona backend runs.
 *
 * A backend's `test/conformance.test.ts` calls {@link runConformance}, which registers vitest suites that
 * check, on that backend:
 * - forward values and gradients against hand-computed fixtures (`fixtures`, `fixtures-movement`,
 *   `fixtures-nn`, `fixtures-grad`);
 * - forward values against TensorFlow.js (tfjs-core + tfjs-backend-cpu) on random shapes from a seeded
 *   generator: broadcasting, size-0 dimensions, transposes, strides, paddings, dilations (`oracle`,
 *   `oracle-movement`, `oracle-nn`);
 * - gradients of every differentiable op by finite differences, and two end-to-end chains (`gradients`, `chains`);
 * - memory: backend handles and live tensors after ops, `dispose`, `tidy` and gradients (`memory`);
 * - readback: `data()`, `array()`, and `dataSync()` exactly where the backend declares `readSync` (`readback`);
 * - a few SGD steps of tiny dense, CNN and RNN models that must reduce the loss (`training`);
 * - the composite defaults of the fused kernels, run on this backend's primitives (`composites`);
 * - the fused training kernels: in-place optimizer steps equal the composite path, sparse softmax
 *   cross-entropy against float64 (`fused-training`);
 * - the fused product + bias + activation ops against their unfused composite (`fused`);
 * and writes the kernel x backend matrix (JSON) that the docs site shows.
 *
 * Test ids are `<group>/<test name>` as printed by vitest; list known gaps by id in `options.knownGaps`.
 *
 * @example
 * ```ts
 * // packages/backend-foo/test/conformance.test.ts
 * import { runConformance } from '@neurona/conformance';
 * import { foo } from '../src/index.js';
 *
 * runConformance('foo', () => foo(), {
 *   readSync: false,
 *   knownGaps: { 'oracle/unary ops on random shapes': 'erf uses a 1e-3 approximation (#12)' },
 * });
 * ```
 *
 * @packageDocumentation
 */
import type { Backend } from '@neurona/core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { registerChains } from './chains.js';
import { registerChannelAffine } from './channel-affine.js';
import { registerComposites } from './composites.js';
import { registerFixtures } from './fixtures.js';
import { registerGradientFixtures } from './fixtures-grad.js';
import { registerMovementFixtures } from './fixtures-movement.js';
import { registerNnFixtures } from './fixtures-nn.js';
import { registerFused } from './fused.js';
import { registerFusedTraining } from './fused-training.js';
import { registerGradients } from './gradients.js';
import { DEFAULT_TOLERANCES, Suite, type Tolerances } from './harness.js';
import { defaultMatrixFile, registerDispatchTests, writeMatrix } from './matrix.js';
import { registerMemory } from './memory.js';
import { registerOracle } from './oracle.js';
import { registerMovementOracle } from './oracle-movement.js';
import { registerNnOracle } from './oracle-nn.js';
import { registerReadback } from './readback.js';
import { registerRecurrent } from './recurrent.js';
import { registerReluGrad } from './relu-grad.js';
import { registerTraining } from './training.js';

export type { TestContext, Tolerances } from './harness.js';
export { close, DEFAULT_TOLERANCES, expectClose, instrument } from './harness.js';
export type { ConformanceMatrix, KernelStatus } from './matrix.js';
export { defaultMatrixFile, KERNEL_KINDS, KERNEL_NAMES, MatrixRecorder, writeMatrix } from './matrix.js';

/**
 * Tolerance overrides: any of the {@link Tolerances} families, plus per-test values keyed by test id.
 * Override only with a reason (a backend's documented precision), never to hide a bug.
 *
 * @example
 * ```ts
 * const t: ToleranceOverrides = { oracle: 2e-4, tests: { 'oracle-nn/conv2d over strides, paddings and dilations': 5e-4 } };
 * ```
 */
export interface ToleranceOverrides extends Partial<Tolerances> {
  /** Per test id (`<group>/<test name>`), the tolerance for every comparison in that test. */
  readonly tests?: Readonly<Record<string, number>>;
}

/**
 * Options of {@link runConformance}.
 *
 * @example
 * ```ts
 * const options: ConformanceOptions = { readSync: true, matrixFile: '/tmp/cpu.json' };
 * ```
 */
export interface ConformanceOptions {
  /**
   * Known gaps: test id -> reason. Such a test runs as an expected failure (`it.fails`), so it turns red
   * once the gap is fixed and the entry must be removed. An id that matches no test is itself an error.
   */
  readonly knownGaps?: Readonly<Record<string, string>>;
  /** Where to write the JSON matrix (default `<repo>/docs/public/conformance/<name>.json`); `false` to skip. */
  readonly matrixFile?: string | false;
  /** Tolerance overrides (see {@link ToleranceOverrides}). */
  readonly tolerance?: ToleranceOverrides;
  /**
   * Whether the backend is expected to declare `readSync` (CPU, WASM: true; WebGPU: false). When given,
   * the readback tests check the declaration against it.
   */
  readonly readSync?: boolean;
}

/**
 * Register the conformance suite of one backend with vitest. Call it at the top level of a test file.
 * `createBackend` is called once for the backend under test (made active with `nr.setBackend` in
 * `beforeAll`) and again wherever a test needs a second, independent instance.
 *
 * @example
 * ```ts
 * import { runConformance } from '@neurona/conformance';
 * import { cpu } from '@neurona/backend-cpu';
 *
 * runConformance('cpu', () => cpu());
 * ```
 */
export function runConformance(
  name: string,
  createBackend: () => Backend | Promise<Backend>,
  options: ConformanceOptions = {},
): void {
  const { tests, ...families } = options.tolerance ?? {};
  const suite = new Suite(name, createBackend, {
    knownGaps: options.knownGaps ?? {},
    tolerances: { ...DEFAULT_TOLERANCES, ...families },
    testTolerances: tests ?? {},
    readSync: options.readSync,
  });

  describe(`conformance: ${name}`, () => {
    beforeAll(async () => {
      await suite.setUp();
    });

    afterAll(() => {
      // Without a backend (createBackend failed, reported by beforeAll) there is nothing to record.
      if (options.matrixFile === false || !suite.isSetUp) return;
      writeMatrix(options.matrixFile ?? defaultMatrixFile(name), suite.matrix.build(name, suite.raw));
    });

    registerFixtures(suite);
    registerMovementFixtures(suite);
    registerNnFixtures(suite);
    registerGradientFixtures(suite);
    registerOracle(suite);
    registerMovementOracle(suite);
    registerNnOracle(suite);
    registerGradients(suite);
    registerChains(suite);
    registerMemory(suite);
    registerReadback(suite);
    registerTraining(suite);
    registerComposites(suite);
    registerDispatchTests(suite);
    registerFusedTraining(suite);
    registerRecurrent(suite);
    registerFused(suite);
    registerChannelAffine(suite);
    registerReluGrad(suite);

    const unknown = [...Object.keys(options.knownGaps ?? {}), ...Object.keys(tests ?? {})].filter(
      (id) => !suite.testIds.has(id),
    );
    if (unknown.length > 0) {
      it('options name only existing tests', () => {
        throw new Error(
          `conformance '${name}': knownGaps / tolerance.tests name unknown test ids: ${unknown.map((id) => `'${id}'`).join(', ')}`,
        );
      });
    }
  });
}
