/**
 * The live loss and accuracy chart of the page: per-batch training values (averaged into at most
 * {@link MAX_POINTS} points) and per-epoch validation values, drawn with the app's own SVG chart (the same
 * picture the CLI saves as `training-curves.svg`), redrawn at most once per animation frame.
 *
 * @packageDocumentation
 */
import type * as nr from '@neurona/core';
import { trainingCurvesSvg } from '../src/chart.js';

/** Most points per curve; batches are averaged in buckets beyond that. */
const MAX_POINTS = 100;

/** Mean of each bucket of `size` values. */
function bucketMeans(values: readonly number[], size: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i += size) {
    const part = values.slice(i, i + size);
    out.push(part.reduce((a, b) => a + b, 0) / part.length);
  }
  return out;
}

/**
 * Collects training progress and draws it into an element.
 *
 * @example
 * ```ts
 * const chart = new LiveChart(document.getElementById('chart')!);
 * chart.addBatch({ loss: 2.1, accuracy: 0.2 });
 * ```
 */
export class LiveChart {
  private loss: number[] = [];
  private accuracy: number[] = [];
  /** Validation values with the number of batches trained when they were measured. */
  private validation: { batches: number; loss: number; accuracy: number }[] = [];
  private pending = false;

  constructor(private readonly el: HTMLElement) {}

  /** Forget every value (a new training run). */
  reset(): void {
    this.loss = [];
    this.accuracy = [];
    this.validation = [];
    this.schedule();
  }

  /** Add one batch's logs (`loss`, `accuracy`). */
  addBatch(logs: nr.Logs): void {
    this.loss.push(logs.loss ?? Number.NaN);
    this.accuracy.push(logs.accuracy ?? Number.NaN);
    this.schedule();
  }

  /** Add one epoch's validation logs (`val_loss`, `val_accuracy`), if present. */
  addEpoch(logs: nr.Logs): void {
    if (logs.val_loss === undefined) return;
    this.validation.push({
      batches: this.loss.length,
      loss: logs.val_loss,
      accuracy: logs.val_accuracy ?? Number.NaN,
    });
    this.schedule();
  }

  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.draw();
    });
  }

  private draw(): void {
    const n = this.loss.length;
    const size = Math.max(1, Math.ceil(n / MAX_POINTS));
    const loss = bucketMeans(this.loss, size);
    const valLoss = loss.map(() => Number.NaN);
    const valAccuracy = loss.map(() => Number.NaN);
    for (const v of this.validation) {
      const at = Math.min(loss.length - 1, Math.max(0, Math.ceil(v.batches / size) - 1));
      valLoss[at] = v.loss;
      valAccuracy[at] = v.accuracy;
    }
    const xValues = loss.map((_, i) => Math.min(n, (i + 1) * size));
    const history = {
      loss,
      accuracy: bucketMeans(this.accuracy, size),
      val_loss: valLoss,
      val_accuracy: valAccuracy,
    };
    this.el.innerHTML = n === 0 ? '' : trainingCurvesSvg(history, '', { xLabel: 'batch', xValues });
  }
}
