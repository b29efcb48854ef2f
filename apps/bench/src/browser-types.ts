/**
 * The columns, workloads and messages of `npm run bench -- --browser`, shared by the Node side (`browser.ts`),
 * the CLI and the page (`browser-page.ts`); free of Node and browser APIs.
 */
import type { TimingOptions, Timings } from './measure.js';
import type { Mode } from './workloads.js';

/**
 * The columns of a browser run, in table order.
 *
 * @example
 * ```ts
 * BROWSER_COLUMNS.includes('tfjs-webgl'); // true
 * ```
 */
export const BROWSER_COLUMNS = [
  'neurona-cpu',
  'neurona-wasm',
  'neurona-webgpu',
  'tfjs-cpu',
  'tfjs-wasm',
  'tfjs-wasm+patch',
  'tfjs-webgl',
] as const;

/**
 * One browser column.
 *
 * @example
 * ```ts
 * const c: BrowserColumn = 'tfjs-webgl';
 * ```
 */
export type BrowserColumn = (typeof BROWSER_COLUMNS)[number];

/**
 * The workloads a browser run takes by default (the three).
 *
 * @example
 * ```ts
 * BROWSER_WORKLOADS; // ['xor', 'mlp', 'cnn-small', 'lstm']
 * ```
 */
export const BROWSER_WORKLOADS = ['xor', 'mlp', 'cnn-small', 'lstm'] as const;

/**
 * What the Node side asks the page to run.
 *
 * @example
 * ```ts
 * const s: BrowserCellSpec = { workload: 'mlp', mode: 'train', column: 'tfjs-wasm', quick: true, seed: 1, timing };
 * ```
 */
export interface BrowserCellSpec {
  workload: string;
  mode: Mode;
  column: BrowserColumn;
  quick: boolean;
  seed: number;
  timing: TimingOptions;
}

/**
 * What the page answers for one cell.
 *
 * @example
 * ```ts
 * const o: BrowserCellOutcome = { ok: false, message: "Kernel 'X' not registered", facts: {} };
 * ```
 */
export type BrowserCellOutcome =
  | { ok: true; timings: Timings; facts: Record<string, string | number | boolean> }
  | { ok: false; message: string; facts: Record<string, string | number | boolean> };

/**
 * What the page says about itself.
 *
 * @example
 * ```ts
 * const f: PageFacts = { crossOriginIsolated: true, hardwareConcurrency: 2, userAgent: '...', webgpu: true,
 *   tfjsWasmMultithread: true };
 * ```
 */
export interface PageFacts {
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  userAgent: string;
  webgpu: boolean;
  /** tfjs-backend-wasm's own test for threads (SharedArrayBuffer and WebAssembly threads). */
  tfjsWasmMultithread: boolean;
}
