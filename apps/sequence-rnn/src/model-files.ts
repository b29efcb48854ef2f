import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as nr from '@neurona/core';
import { Vocab } from './vocab.js';
import { parseCharMeta, VOCAB_FORMAT } from './vocab-file.js';

export type { CharModelMeta } from './vocab-file.js';

/**
 * Save a character model to `dir`: `model.json` + a weights file (TensorFlow.js LayersModel format, through
 * `model.save('file://DIR')`) and `vocab.json`.
 *
 * @example
 * ```ts
 * await saveCharModel('runs/moby', model, vocab, 64);
 * ```
 */
export async function saveCharModel(
  dir: string,
  model: nr.Sequential,
  vocab: Vocab,
  seqLen: number,
): Promise<void> {
  const path = resolve(dir);
  mkdirSync(path, { recursive: true });
  await model.save(`file://${path}`);
  const meta = { format: VOCAB_FORMAT, chars: vocab.chars, seqLen };
  writeFileSync(join(path, 'vocab.json'), `${JSON.stringify(meta, null, 1)}\n`);
}

/**
 * Load what {@link saveCharModel} wrote; checks that the model's output size matches the vocabulary.
 *
 * @example
 * ```ts
 * const { model, vocab, seqLen } = await loadCharModel('runs/moby');
 * ```
 */
export async function loadCharModel(
  dir: string,
): Promise<{ model: nr.Sequential; vocab: Vocab; seqLen: number }> {
  const path = resolve(dir);
  const file = join(path, 'vocab.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(
      `--model: cannot read ${file} (${(err as Error).message}); train with --out ${dir} first`,
    );
  }
  const meta = parseCharMeta(JSON.parse(text), file);
  const vocab = new Vocab(meta.chars);
  const model = await nr.loadModel(`file://${path}`);
  if (!(model instanceof nr.Sequential)) {
    model.dispose();
    throw new Error(`--model: ${path} holds a '${model.className}' model, expected a Sequential one`);
  }
  const outShape = model.outputShape;
  if (outShape[outShape.length - 1] !== vocab.size) {
    model.dispose();
    throw new Error(
      `--model: the model in ${path} predicts ${outShape[outShape.length - 1]} classes but vocab.json has ${vocab.size} characters`,
    );
  }
  return { model, vocab, seqLen: meta.seqLen };
}
