/**
 * What `fit` shows for `verbose > 0`. Node's entry registers the terminal progress bar (which needs
 * `cli-progress` and a terminal); without it, as in browsers, each epoch is one `console.log` line.
 *
 * @packageDocumentation
 */
import type { Callback } from '../callbacks/callback.js';

let terminalProgress: (() => Callback) | null = null;

/**
 * @internal Use `make` for `verbose: 1` (the Node entry passes the terminal progress bar); `null` goes back to
 * console lines.
 */
export function setTerminalProgress(make: (() => Callback) | null): void {
  terminalProgress = make;
}

/**
 * @internal The callback `fit` adds for its `verbose` level: none for 0; the terminal progress bar for 1
 * where one is registered; otherwise a console line per epoch.
 */
export function verboseCallback(verbose: number, epochs: number): Callback | null {
  if (verbose <= 0) return null;
  if (verbose === 1 && terminalProgress) return terminalProgress();
  return {
    onEpochEnd: (epoch, logs) =>
      console.log(
        `Epoch ${epoch + 1}/${epochs} ${Object.entries(logs ?? {})
          .map(([k, v]) => `${k}=${v.toFixed(4)}`)
          .join(' ')}`,
      ),
  };
}
