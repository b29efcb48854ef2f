/**
 * The capability check of `compile({ backendCheck })`: before the first batch, make sure the active backend
 * can run every kernel a training step of the model dispatches, natively or by composite.
 *
 * A backend with every required kernel can run everything (each fused kernel it lacks has a composite
 * written from the required ones), so the check then costs a loop over the required kernel names. Only a
 * backend that lacks a required kernel (one written in JavaScript, or cast `as Backend`) gets the probe step
 * of {@link kernelReport}, which finds what the model really needs of it.
 *
 * @packageDocumentation
 */
import { REQUIRED_KERNELS } from '../backend/kernel-kinds.js';
import type { Backend } from '../backend/types.js';
import { engine } from '../engine/engine.js';
import type { FitModel } from '../training/fit-data.js';
import { kernelReport, type ReportModel } from './kernel-report.js';
import { describeOwner } from './site.js';

/**
 * What `compile` does when the active backend cannot run a kernel the model's training step needs:
 * `'error'` (the default) throws, `'warn'` prints a warning, `'off'` skips the check.
 *
 * @example
 * ```ts
 * model.compile({ optimizer: 'sgd', loss: 'mse', backendCheck: 'warn' });
 * ```
 */
export type BackendCheck = 'error' | 'warn' | 'off';

const checks = new WeakMap<object, { mode: BackendCheck; checked: Backend | null }>();

/** @internal Remember the model's `backendCheck` mode and check now if the model is built. */
export function compileCheck(model: ReportModel, mode: BackendCheck | undefined, where: string): void {
  const m = mode ?? 'error';
  if (m !== 'error' && m !== 'warn' && m !== 'off') {
    throw new Error(`${where}: 'backendCheck' must be 'error', 'warn' or 'off', got ${JSON.stringify(mode)}`);
  }
  checks.set(model, { mode: m, checked: null });
  if (model.built) runCheck(model, where);
}

/** @internal Before the first batch of `fit`: check if compile could not (model not built) or the backend changed. */
export function fitCheck(model: FitModel): void {
  const state = checks.get(model);
  if (!state || state.mode === 'off' || state.checked === engine().backend) return;
  // Only models compiled through compileCheck (LayersModel, a ReportModel) have a state.
  runCheck(model as ReportModel, `${model.className} '${model.name}'.fit`);
}

function runCheck(model: ReportModel, where: string): void {
  const state = checks.get(model)!;
  if (state.mode === 'off') return;
  const backend = engine().backend;
  state.checked = backend;
  const kernels = backend.kernels as unknown as Record<string, unknown>;
  if (REQUIRED_KERNELS.every((k) => typeof kernels[k] === 'function')) return;
  const missing = kernelReport(model, where).missing;
  if (missing.length === 0) return;
  const rows = missing.map((r) => {
    const why =
      r.lacking.length === 1 && r.lacking[0] === r.kernel
        ? 'the backend lacks it and core has no composite for it'
        : `the backend lacks it and its composite needs ${r.lacking.map((k) => `'${k}'`).join(', ')}, which the backend lacks too`;
    return `kernel '${r.kernel}' (${r.pass} of ${describeOwner(r.owner)}): ${why}`;
  });
  const message = `${where}: backend '${backend.name}' cannot run this model's training step: ${rows.join('; ')}. Use a backend that has these kernels, or compile with backendCheck: 'warn' (or 'off') to train anyway; model.kernelReport() lists every kernel`;
  if (state.mode === 'error') throw new Error(message);
  console.warn(message);
}
