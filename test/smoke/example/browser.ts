/**
 * What the smoke test's browser bundles share: run {@link trainXor} with an in-memory model handler and
 * publish the result (or the error) on `globalThis.smoke` for the test to read.
 *
 * @example
 * ```ts
 * runInPage(() => cpu());
 * ```
 */
import * as nr from '@neurona/core';
import { trainXor, type XorResult } from './xor.js';

/** Where the page publishes its outcome. */
export interface SmokeOutcome {
  /** The result, when the run succeeded. */
  readonly result?: XorResult;
  /** The error message, when it failed. */
  readonly error?: string;
}

/**
 * Create the backend, run the example and publish the outcome.
 *
 * @example
 * ```ts
 * runInPage(() => cpu());
 * ```
 */
export function runInPage(make: () => nr.Backend | Promise<nr.Backend>): void {
  const target = globalThis as { smoke?: Promise<SmokeOutcome> };
  target.smoke = (async () => trainXor(await make(), nr.io.memory()))().then(
    (result) => ({ result }),
    (e: unknown) => ({ error: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) }),
  );
}
