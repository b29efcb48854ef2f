/**
 * A preload module (`node --import .../rss-probe.js program.js`) that watches the memory of the process it is
 * loaded into and, when the process exits, writes what it saw as JSON to the file named by the environment
 * variable `NEURONA_RSS_PROBE_OUT`. The peak resident set size comes from the kernel (`maxRSS` of
 * `process.resourceUsage()`), so no short spike between two samples is missed; the samples (every 20 ms) add
 * the peaks of V8's heap, of the memory outside it that V8 accounts for (`external`: ArrayBuffers) and, when the
 * program uses Neurona, of the bytes its live tensors hold (`nr.memory().numBytes`, on any backend).
 */
import { writeFileSync } from 'node:fs';

/**
 * What the probe writes, in MiB.
 *
 * @example
 * ```ts
 * const r: RssProbeReport = JSON.parse(readFileSync(out, 'utf8'));
 * r.peakRssMiB; // 402.7
 * ```
 */
export interface RssProbeReport {
  /** Peak resident set size of the whole process (kernel's count). */
  peakRssMiB: number;
  /** Resident set size when the probe loaded: Node itself, before the program ran. */
  startRssMiB: number;
  /** Largest sampled `heapUsed` (V8's JavaScript heap). */
  peakHeapUsedMiB: number;
  /** Largest sampled `external`: ArrayBuffers and other memory V8 accounts for outside its heap. */
  peakExternalMiB: number;
  /** Largest sampled `nr.memory().numBytes` (0 when the program does not load `@neurona/core`). */
  peakTensorMiB: number;
  /** Exit code of the program. */
  exitCode: number;
}

const out = process.env.NEURONA_RSS_PROBE_OUT;
const MiB = 2 ** 20;
if (out) {
  const start = process.memoryUsage().rss;
  // The program's own instance of core (ES modules are cached by their resolved URL); absent: no tensor column.
  const core = await import('@neurona/core').catch(() => null);
  let heap = 0;
  let external = 0;
  let tensors = 0;
  const sample = (): void => {
    const m = process.memoryUsage();
    heap = Math.max(heap, m.heapUsed);
    external = Math.max(external, m.external);
    tensors = Math.max(tensors, core?.memory().numBytes ?? 0);
  };
  setInterval(sample, 20).unref();
  process.on('exit', (code) => {
    sample();
    const report: RssProbeReport = {
      peakRssMiB: (process.resourceUsage().maxRSS * 1024) / MiB,
      startRssMiB: start / MiB,
      peakHeapUsedMiB: heap / MiB,
      peakExternalMiB: external / MiB,
      peakTensorMiB: tensors / MiB,
      exitCode: code,
    };
    writeFileSync(out, `${JSON.stringify(report)}\n`);
  });
}
