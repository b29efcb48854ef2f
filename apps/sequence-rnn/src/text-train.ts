import * as nr from '@neurona/core';
import { buildCharModel, type Cell } from './char-model.js';
import { compileCharModel, epochBatches, heldOutLoss, trainCharBatch } from './char-training.js';
import { saveCharModel } from './model-files.js';
import { CharProgress, formatDuration, type Output } from './progress.js';
import { generate } from './sampling.js';
import { unigramEntropy, Vocab } from './vocab.js';
import { splitHoldout } from './windows.js';

export { heldOutLoss } from './char-training.js';

/**
 * Settings of a character-level training run.
 *
 * @example
 * ```ts
 * const o: TextTrainOptions = { text, cell: 'lstm', units: 128, layers: 1, embeddingDim: 32, seqLen: 64,
 *   batchSize: 32, epochs: 2, learningRate: 0.005, seed: 1, temperature: 0.5, prompt: 'Call me', sampleLength: 80 };
 * ```
 */
export interface TextTrainOptions {
  /** The whole text; its last 10% is held out for validation. */
  text: string;
  cell: Cell;
  units: number;
  layers: number;
  embeddingDim: number;
  /** Window length: characters of context per training sequence. */
  seqLen: number;
  batchSize: number;
  epochs: number;
  learningRate: number;
  seed: number;
  /** First of the two temperatures of the per-epoch samples (the second is 1, or 0.5 when this is 1). */
  temperature: number;
  /** Text the per-epoch samples continue. */
  prompt: string;
  /** Characters per epoch sample (0: no samples). */
  sampleLength: number;
  /** Directory to save the model and vocab.json to, if any. */
  out?: string;
}

/**
 * Figures of one epoch.
 *
 * @example
 * ```ts
 * const e: EpochRecord = { loss: 1.9, valLoss: 1.8, charsPerSecond: 2500, seconds: 300, samples: [] };
 * ```
 */
export interface EpochRecord {
  /** Mean training loss over the epoch (nats per character). */
  loss: number;
  /** Loss on the held-out text after the epoch. */
  valLoss: number;
  /** Training throughput (target characters per second). */
  charsPerSecond: number;
  seconds: number;
  /** `[temperature, text]` continuations of the prompt. */
  samples: Array<[number, string]>;
}

/**
 * What a run produced: the model (owned by the caller), its vocabulary and the final figures.
 *
 * @example
 * ```ts
 * const r = await trainText(options, silentOutput());
 * console.log(r.valPerplexity, r.unigramPerplexity);
 * r.model.dispose();
 * ```
 */
export interface TextTrainResult {
  model: nr.Sequential;
  vocab: Vocab;
  epochs: EpochRecord[];
  /** Held-out cross-entropy before training (nats per character). */
  initialValLoss: number;
  valLoss: number;
  valPerplexity: number;
  /** Entropy of the held-out text's character frequencies (nats): the best unigram model of it. */
  unigramEntropy: number;
  unigramPerplexity: number;
  trainChars: number;
  heldOutChars: number;
}

function fmtSample(prompt: string, text: string): string {
  return JSON.stringify(prompt + text).slice(1, -1);
}

function checkSizes(o: TextTrainOptions, train: Int32Array, heldOut: Int32Array): void {
  if (heldOut.length < o.seqLen + 1) {
    throw new Error(
      `--seq-len ${o.seqLen}: the held-out text (last 10%, ${heldOut.length} characters) is shorter than one window of ${o.seqLen + 1}; use more text (--limit-chars) or a shorter --seq-len`,
    );
  }
  if (train.length < o.seqLen + 1) {
    throw new Error(
      `--seq-len ${o.seqLen}: the training text (${train.length} characters) is shorter than one window`,
    );
  }
}

/**
 * Train a character-level language model on `options.text`: build the vocabulary, hold out the last
 * 10%, cut the rest into windows of `seqLen` predicting the next character at every position (a new random
 * cut and order each epoch, from the seeded generator), train with Adam on sparse categorical
 * cross-entropy, and after each epoch report the held-out loss and sample the prompt at two temperatures.
 * Saves the model and vocab.json to `options.out` when given.
 *
 * @example
 * ```ts
 * const r = await trainText({ ...options, text: loadText().text }, consoleOutput());
 * ```
 */
export async function trainText(o: TextTrainOptions, out: Output): Promise<TextTrainResult> {
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  nr.seed(o.seed);
  const rng = nr.engine().rng;
  const vocab = Vocab.fromText(o.text);
  for (const ch of Array.from(o.prompt)) {
    if (!vocab.has(ch))
      throw new Error(`--prompt: character ${JSON.stringify(ch)} does not occur in the text`);
  }
  const ids = vocab.encode(o.text);
  const { train, heldOut } = splitHoldout(ids, 0.1);
  checkSizes(o, train, heldOut);
  const h = unigramEntropy(heldOut, vocab.size);
  out.log(
    `Text: ${ids.length} characters, vocabulary ${vocab.size}; training on ${train.length}, holding out the last ${heldOut.length}`,
  );
  out.log(
    `Unigram baseline on the held-out text: ${h.toFixed(4)} nats/char, perplexity ${Math.exp(h).toFixed(2)}`,
  );

  const model = buildCharModel({
    vocabSize: vocab.size,
    cell: o.cell,
    units: o.units,
    layers: o.layers,
    embeddingDim: o.embeddingDim,
  });
  try {
    model.summary((line) => out.log(line));
    const optimizer = compileCharModel(model, o.learningRate);
    const initialValLoss = await heldOutLoss(model, heldOut, o.seqLen);
    const records: EpochRecord[] = [];
    const tempB = o.temperature === 1 ? 0.5 : 1;
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      const { x, y, batches } = epochBatches(train, o.seqLen, o.batchSize, epoch, rng);
      const steps = batches.length;
      const bar = new CharProgress(out, `Epoch ${epoch + 1}/${o.epochs}`, steps);
      let lossSum = 0;
      let chars = 0;
      for (let s = 0; s < steps; s++) {
        const rows = batches[s]!;
        const v = await trainCharBatch(model, optimizer, x, y, o.seqLen, rows);
        if (!Number.isFinite(v))
          throw new Error(
            `training diverged at epoch ${epoch + 1}, step ${s + 1} (loss ${v}); lower --learning-rate`,
          );
        lossSum += v * rows.length * o.seqLen;
        chars += rows.length * o.seqLen;
        bar.update(s + 1, lossSum / chars, chars);
      }
      bar.finish();
      const record: EpochRecord = {
        loss: lossSum / Math.max(chars, 1),
        valLoss: await heldOutLoss(model, heldOut, o.seqLen),
        charsPerSecond: bar.charsPerSecond,
        seconds: bar.seconds,
        samples: [],
      };
      out.log(
        `  held-out loss ${record.valLoss.toFixed(4)} nats/char, perplexity ${Math.exp(record.valLoss).toFixed(2)}`,
      );
      if (o.sampleLength > 0) {
        const temps = [o.temperature, tempB];
        const texts = await generate(model, vocab, {
          prompt: o.prompt,
          length: o.sampleLength,
          temperatures: temps,
          context: o.seqLen,
        });
        texts.forEach((t, i) => {
          record.samples.push([temps[i]!, t]);
          out.log(`  T=${temps[i]}: ${fmtSample(o.prompt, t)}`);
        });
      }
      records.push(record);
    }
    const valLoss = records.length > 0 ? records[records.length - 1]!.valLoss : initialValLoss;
    const cpu = process.cpuUsage(cpuStart);
    const trainSeconds = records.reduce((t, r) => t + r.seconds, 0);
    const trainChars = records.reduce((t, r) => t + r.charsPerSecond * r.seconds, 0);
    out.log(
      `Done in ${formatDuration((performance.now() - started) / 1000)} (process CPU time ${formatDuration((cpu.user + cpu.system) / 1e6)}); training ${Math.round(trainChars / Math.max(trainSeconds, 1e-9))} chars/s`,
    );
    out.log(
      `Held-out loss ${valLoss.toFixed(4)} nats/char, perplexity ${Math.exp(valLoss).toFixed(2)} (unigram baseline ${Math.exp(h).toFixed(2)}; untrained ${Math.exp(initialValLoss).toFixed(2)})`,
    );
    if (o.out) {
      await saveCharModel(o.out, model, vocab, o.seqLen);
      out.log(`Saved the model and vocab.json to ${o.out}`);
    }
    return {
      model,
      vocab,
      epochs: records,
      initialValLoss,
      valLoss,
      valPerplexity: Math.exp(valLoss),
      unigramEntropy: h,
      unigramPerplexity: Math.exp(h),
      trainChars: train.length,
      heldOutChars: heldOut.length,
    };
  } catch (err) {
    model.dispose();
    throw err;
  }
}
