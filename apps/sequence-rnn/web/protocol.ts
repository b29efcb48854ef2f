/**
 * The messages between the character-RNN page and its worker (`char-rnn-worker.ts`), which holds the model:
 * it trains it, generates text from it, and saves it to / loads it from IndexedDB or files.
 *
 * @packageDocumentation
 */
import type { Cell } from '../src/char-model.js';

/**
 * A backend name the worker knows.
 *
 * @example
 * ```ts
 * const b: WorkerBackend = 'wasm';
 * ```
 */
export type WorkerBackend = 'cpu' | 'wasm' | 'webgpu';

/**
 * Training settings, as the CLI's text task names them.
 *
 * @example
 * ```ts
 * const s: TrainSettings = { cell: 'lstm', units: 64, layers: 1, embeddingDim: 16, seqLen: 32, batchSize: 16,
 *   epochs: 2, learningRate: 0.01, seed: 1 };
 * ```
 */
export interface TrainSettings {
  readonly cell: Cell;
  readonly units: number;
  readonly layers: number;
  readonly embeddingDim: number;
  readonly seqLen: number;
  readonly batchSize: number;
  readonly epochs: number;
  readonly learningRate: number;
  readonly seed: number;
}

/**
 * What a trained or loaded model needs besides its weights: its characters (ids in order) and window length.
 *
 * @example
 * ```ts
 * const meta: CharMeta = { chars: ['a', 'b'], seqLen: 32 };
 * ```
 */
export interface CharMeta {
  readonly chars: readonly string[];
  readonly seqLen: number;
}

/**
 * A message from the page to the worker. `stop` ends training after the current batch, or generation after
 * the current character.
 *
 * @example
 * ```ts
 * worker.postMessage({ type: 'generate', prompt: 'Call me', length: 200, temperature: 0.5 } satisfies ToWorker);
 * ```
 */
export type ToWorker =
  | { type: 'train'; text: string; settings: TrainSettings; backend: WorkerBackend }
  | { type: 'generate'; prompt: string; length: number; temperature: number }
  | { type: 'stop' }
  | { type: 'save'; url: string }
  | { type: 'load'; backend: WorkerBackend; meta: CharMeta; url?: string; files?: File[] };

/**
 * A message from the worker to the page.
 *
 * @example
 * ```ts
 * const m: FromWorker = { type: 'chars', text: 'e' };
 * ```
 */
export type FromWorker =
  | { type: 'backend'; name: string }
  | { type: 'text'; chars: number; vocab: number; trainChars: number; heldOutChars: number; unigram: number }
  | { type: 'progress'; epoch: number; epochs: number; step: number; steps: number; loss: number }
  | { type: 'epoch'; epoch: number; loss: number; valLoss: number }
  | { type: 'trained'; meta: CharMeta; initialValLoss: number; valLoss: number; steps: number }
  | { type: 'chars'; text: string }
  | { type: 'generated'; text: string }
  | { type: 'saved'; meta: CharMeta }
  | { type: 'loaded'; meta: CharMeta; weights: number }
  | { type: 'error'; message: string };
