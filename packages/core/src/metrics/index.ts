/**
 * Metrics reported during training and evaluation, and {@link getMetric} to resolve names.
 *
 * @example
 * ```ts
 * const m = nr.metrics.getMetric('accuracy', { lossName: 'categoricalCrossentropy' });
 * ```
 *
 * @packageDocumentation
 */
export type { Metric, MetricContext, MetricFunction } from './metrics.js';
export {
  accuracy,
  binaryAccuracy,
  categoricalAccuracy,
  getMetric,
  mae,
  mse,
  precision,
  recall,
  sparseCategoricalAccuracy,
} from './metrics.js';
