/**
 * Finite-difference checks (`nr.gradCheck`) of the gradient of every differentiable op, one test per op;
 * the cases are in `gradient-cases.ts` and `gradient-cases-nn.ts`. The end-to-end chains are in
 * `chains.ts`.
 *
 * @packageDocumentation
 */
import * as nr from '@neurona/core';
import { Gen, toNr } from './gen.js';
import { ELEMENTWISE, type GradCase } from './gradient-cases.js';
import { NN, REDUCTIONS_AND_SHAPES } from './gradient-cases-nn.js';
import type { Suite } from './harness.js';

/** The case type of {@link checkCases} (see `gradient-cases.ts`). */
export type { GradCase } from './gradient-cases.js';

/**
 * Finite-difference step. Forward passes run in float32, so the step trades truncation error (~eps²)
 * against rounding noise (~1e-7 / eps); every input keeps its kinks and ties at least 0.1 away.
 */
const EPS = 1e-2;

/**
 * Run `nr.gradCheck` on each case and throw one message listing every failing input with its error and
 * the flat index where it occurred.
 *
 * @example
 * ```ts
 * await checkCases('exp', [unaryCase('[2]', g.floats([2]), nr.exp)], 1e-3);
 * ```
 */
export async function checkCases(name: string, cases: readonly GradCase[], tol: number): Promise<void> {
  const failures: string[] = [];
  for (const c of cases) {
    const xs = c.inputs.map(toNr);
    try {
      const r = await nr.gradCheck(c.f, xs, { eps: EPS, tol });
      r.maxRelError.forEach((err, k) => {
        if (!(err <= tol)) {
          failures.push(
            `${name} ${c.label}: d/d(input ${k}) has error ${err.toExponential(2)} > ${tol} at flat index ${r.worstIndex[k]} (input ${k} = [${c.inputs[k]!.data[r.worstIndex[k]!]}])`,
          );
        }
      });
    } finally {
      nr.dispose(xs);
    }
  }
  if (failures.length > 0) throw new Error(`gradient check failed:\n${failures.join('\n')}`);
}

/**
 * Register the `gradients` group: one test per differentiable op.
 *
 * @example
 * ```ts
 * registerGradients(suite);
 * ```
 */
export function registerGradients(suite: Suite): void {
  suite.group('gradients', (test) => {
    let seed = 2000;
    for (const [name, kernels, cases] of [...ELEMENTWISE, ...REDUCTIONS_AND_SHAPES, ...NN]) {
      const s = seed++;
      test(name, kernels, async ({ tol }) => {
        const g = new Gen(s);
        await checkCases(name, cases(g), tol('gradient'));
      });
    }
  });
}
