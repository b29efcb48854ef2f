/**
 * Where the app writes: a line printer and, for the progress bar, an optional in-place terminal line.
 *
 * @example
 * ```ts
 * const lines: string[] = [];
 * const out: Output = { log: (line) => lines.push(line) };
 * ```
 */
export interface Output {
  /** Print one line. */
  log(line: string): void;
  /** Redraw the current terminal line (TTY only); when absent, progress is printed as occasional lines. */
  redraw?(line: string): void;
}

/**
 * Output to the process's stdout: in-place redraws when stdout is a terminal.
 *
 * @example
 * ```ts
 * const out = consoleOutput();
 * out.log('hello');
 * ```
 */
export function consoleOutput(): Output {
  const stream = process.stdout;
  const out: Output = { log: (line) => stream.write(`${line}\n`) };
  if (stream.isTTY) out.redraw = (line) => stream.write(`\r${line}\x1b[K`);
  return out;
}

/**
 * Output that drops everything (tests, `--quiet`).
 *
 * @example
 * ```ts
 * await trainText(options, silentOutput());
 * ```
 */
export function silentOutput(): Output {
  return { log: () => {} };
}

/**
 * A duration as `1m05s` or `42s` (`-` when unknown).
 *
 * @example
 * ```ts
 * formatDuration(65); // '1m05s'
 * ```
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '-';
  const s = Math.round(seconds);
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/**
 * A per-epoch progress bar for a training loop that counts characters: steps done, running mean loss,
 * characters per second and ETA. On a terminal it redraws one line; elsewhere it prints a line every
 * `everySeconds` and at the end.
 *
 * @example
 * ```ts
 * const bar = new CharProgress(out, 'Epoch 1/2', 100);
 * bar.update(1, 4.2, 2048);
 * bar.finish();
 * ```
 */
export class CharProgress {
  private readonly start = performance.now();
  private lastPrint = this.start;
  private step = 0;
  private loss = Number.NaN;
  private chars = 0;

  constructor(
    private readonly out: Output,
    private readonly label: string,
    private readonly totalSteps: number,
    private readonly everySeconds = 15,
  ) {}

  /** Record that `step` steps are done, with the running mean loss and the characters processed so far. */
  update(step: number, meanLoss: number, chars: number): void {
    this.step = step;
    this.loss = meanLoss;
    this.chars = chars;
    const now = performance.now();
    if (this.out.redraw) this.out.redraw(this.line());
    else if ((now - this.lastPrint) / 1000 >= this.everySeconds) {
      this.lastPrint = now;
      this.out.log(this.line());
    }
  }

  /** Characters per second so far. */
  get charsPerSecond(): number {
    const seconds = (performance.now() - this.start) / 1000;
    return seconds > 0 ? this.chars / seconds : 0;
  }

  /** Seconds since the bar started. */
  get seconds(): number {
    return (performance.now() - this.start) / 1000;
  }

  /** The bar as text. */
  line(): string {
    const width = 24;
    const done =
      this.totalSteps > 0 ? Math.min(width, Math.round((this.step / this.totalSteps) * width)) : width;
    const bar = `${'='.repeat(done)}${'.'.repeat(width - done)}`;
    const rate = this.charsPerSecond;
    const eta = this.step > 0 ? (this.seconds / this.step) * (this.totalSteps - this.step) : Number.NaN;
    const loss = Number.isFinite(this.loss) ? this.loss.toFixed(4) : '-';
    return `${this.label} [${bar}] ${this.step}/${this.totalSteps} | loss ${loss} | ${Math.round(rate)} chars/s | ETA ${formatDuration(eta)}`;
  }

  /** Print the final state of the bar on its own line. */
  finish(): void {
    if (this.out.redraw) {
      this.out.redraw(this.line());
      this.out.log('');
    } else this.out.log(this.line());
  }
}
