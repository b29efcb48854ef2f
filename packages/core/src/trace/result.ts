import { type TraceContent, traceMarkdown } from './markdown.js';
import type { TraceLayer, TraceLoss, TraceMarkdownOptions } from './types.js';

/**
 * The result of {@link trace}: one training step as plain data (no tensors: nothing to dispose) and its
 * rendering as Markdown with LaTeX.
 *
 * @example
 * ```ts
 * const t = await nr.trace(model, x, y, { learningRate: 0.1 });
 * const out = t.layers[t.layers.length - 1]!;
 * console.log(t.loss, out.delta?.data, out.params.map((p) => p.grad.data));
 * ```
 */
export class Trace implements TraceContent {
  /** The batch loss `L` (the weighted sum over outputs, plus regularization), as `fit` reports it. */
  readonly loss: number;
  /** The loss of each output with its targets and predictions. */
  readonly losses: readonly TraceLoss[];
  /** One entry per node of the model's graph, in execution order. */
  readonly layers: readonly TraceLayer[];
  /** The learning rate `eta` of the updates. */
  readonly learningRate: number;
  /** Whether the updates were added to the model's weights. */
  readonly applied: boolean;

  /** @internal */
  constructor(content: TraceContent) {
    this.loss = content.loss;
    this.losses = content.losses;
    this.layers = content.layers;
    this.learningRate = content.learningRate;
    this.applied = content.applied;
  }

  /**
   * The step as Markdown with LaTeX (`$...$`): per layer the forward quantities, then the loss, then the
   * backward quantities from the last layer to the first; Conv2D layers per filter, recurrent layers per time
   * step. Tensors larger than `maxEntries` show their range instead of every entry.
   *
   * @example
   * ```ts
   * const md = (await nr.trace(model, x, y, { learningRate: 0.1 })).toMarkdown({ digits: 4 });
   * ```
   */
  toMarkdown(options: TraceMarkdownOptions = {}): string {
    return traceMarkdown(this, options);
  }

  /** The entry of the (first) node of the layer named `name` (throws listing the names). */
  layer(name: string): TraceLayer {
    const l = this.layers.find((x) => x.name === name);
    if (!l)
      throw new Error(
        `Trace.layer: no layer named '${name}' (layers: ${this.layers.map((x) => x.name).join(', ')})`,
      );
    return l;
  }
}
