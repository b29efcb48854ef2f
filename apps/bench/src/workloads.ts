/**
 * The benchmark workloads, described once, framework-neutrally: the Neurona and tfjs runners build the same
 * model from the same {@link LayerSpec} list, and {@link modelFlops} counts FLOPs from it.
 */

/**
 * One layer of a benchmark model. Kernel initialisers are the Keras defaults on both sides (glorot-uniform
 * kernels, orthogonal recurrent kernels, zero biases, LSTM unit forget bias). `mobilenetV2` is a whole nested
 * model: Keras's MobileNetV2 trunk up to its global average pooling (see `mobilenet.ts`), frozen when not
 * `trainable` (its BatchNormalization layers then use their moving statistics).
 *
 * @example
 * ```ts
 * const l: LayerSpec = { kind: 'conv2d', filters: 8, kernelSize: 5, padding: 'valid', activation: 'relu' };
 * ```
 */
export type LayerSpec =
  | { kind: 'dense'; units: number; activation: 'relu' | 'softmax' | 'linear' }
  | { kind: 'conv2d'; filters: number; kernelSize: number; padding: 'valid' | 'same'; activation: 'relu' }
  | { kind: 'maxPool'; poolSize: number }
  | { kind: 'flatten' }
  | { kind: 'dropout'; rate: number }
  | { kind: 'simpleRNN' | 'lstm' | 'gru'; units: number; returnSequences?: boolean }
  | { kind: 'embedding'; inputDim: number; outputDim: number }
  | { kind: 'mobilenetV2'; alpha: number; trainable: boolean };

/**
 * A classifier trained with Adam (lr 0.001, beta1 0.9, beta2 0.999, epsilon 1e-7) on sparse
 * categorical cross-entropy over synthetic data.
 *
 * @example
 * ```ts
 * const w = findWorkload('mlp', false); // { kind: 'model', inputShape: [784], batchSize: 64, ... }
 * ```
 */
export interface ModelWorkload {
  readonly kind: 'model';
  readonly name: string;
  readonly description: string;
  /** Shape of one example (no batch dimension). */
  readonly inputShape: readonly number[];
  readonly batchSize: number;
  readonly classes: number;
  readonly layers: readonly LayerSpec[];
  /**
   * `classify` (the default): float inputs, one label per example. `next-token`: the inputs are token ids in
   * `[0, classes)` of shape `[steps]`, and there is one label per time step (a language model predicting
   * the next token at every position, trained on the mean cross-entropy over every position).
   */
  readonly task?: 'classify' | 'next-token';
  /** The modes this workload runs in (default both). */
  readonly modes?: readonly Mode[];
}

/**
 * One float32 `n x n` by `n x n` matrix product; training mode also computes both input gradients.
 *
 * @example
 * ```ts
 * const w: MatmulWorkload = { kind: 'matmul', name: 'matmul-1024', description: 'C = A·B, 1024x1024', n: 1024 };
 * ```
 */
export interface MatmulWorkload {
  readonly kind: 'matmul';
  readonly name: string;
  readonly description: string;
  readonly n: number;
}

/**
 * Any benchmark workload.
 *
 * @example
 * ```ts
 * const all: Workload[] = workloads(false);
 * ```
 */
export type Workload = ModelWorkload | MatmulWorkload;

/**
 * What is measured: `train` (one optimizer step per batch, via `fit`) or `infer` (`predict`).
 *
 * @example
 * ```ts
 * const m: Mode = 'train';
 * ```
 */
export type Mode = 'train' | 'infer';

/**
 * Every mode, in table order.
 *
 * @example
 * ```ts
 * MODES.length; // 2
 * ```
 */
export const MODES: readonly Mode[] = ['train', 'infer'];

/**
 * Workload group names accepted by `--workload`, in table order (`matmul` stands for its three sizes).
 *
 * @example
 * ```ts
 * WORKLOAD_GROUPS.includes('lstm'); // true
 * ```
 */
export const WORKLOAD_GROUPS = [
  'matmul',
  'xor',
  'mlp',
  'cnn-small',
  'cnn-large',
  'simple-rnn',
  'lstm',
  'gru',
  'char-lstm',
  'mobilenetv2',
] as const;

/** Sizes that `--quick` shrinks: batch, sequence length, image side of cnn-large, matmul sizes. */
interface Scale {
  batch: number;
  rnnBatch: number;
  steps: number;
  cifarSide: number;
  matmul: readonly number[];
  /** The character model: window length, batch, LSTM units. */
  char: { seqLen: number; batch: number; units: number };
  /** MobileNetV2: image side, and the larger batch (the other is 1). */
  mobilenet: { side: number; batch: number };
}

const FULL: Scale = {
  batch: 64,
  rnnBatch: 32,
  steps: 50,
  cifarSide: 32,
  matmul: [256, 512, 1024],
  char: { seqLen: 64, batch: 16, units: 128 },
  mobilenet: { side: 224, batch: 16 },
};
const QUICK: Scale = {
  batch: 8,
  rnnBatch: 8,
  steps: 10,
  cifarSide: 16,
  matmul: [32, 64, 128],
  char: { seqLen: 10, batch: 8, units: 32 },
  mobilenet: { side: 32, batch: 2 },
};

/**
 * The shape `apps/sequence-rnn` trains by default (`npm run rnn`): the first 400,000 characters of
 * Moby-Dick have 82 distinct characters, embedded in 32 dimensions.
 *
 * @example
 * ```ts
 * CHAR_MODEL.vocabSize; // 82
 * ```
 */
export const CHAR_MODEL = { vocabSize: 82, embeddingDim: 32 } as const;

function charLstm(s: Scale): ModelWorkload {
  const { seqLen, batch, units } = s.char;
  const v = CHAR_MODEL.vocabSize;
  return {
    kind: 'model',
    name: 'char-lstm',
    description:
      `character LM of apps/sequence-rnn: ${seqLen} ids -> embedding ${v}x${CHAR_MODEL.embeddingDim} -> ` +
      `LSTM(${units}) every step -> dense ${v} softmax per step; batch ${batch}, Adam`,
    inputShape: [seqLen],
    batchSize: batch,
    classes: v,
    task: 'next-token',
    layers: [
      { kind: 'embedding', inputDim: v, outputDim: CHAR_MODEL.embeddingDim },
      { kind: 'lstm', units, returnSequences: true },
      { kind: 'dense', units: v, activation: 'softmax' },
    ],
  };
}

/**
 * MobileNetV2 at alpha 1.0 with the ImageNet head (1000 classes, softmax): inference at batch 1 (inference only)
 * and at the larger batch, where training fine-tunes the head on a frozen trunk (transfer learning).
 */
function mobilenets(s: Scale): ModelWorkload[] {
  const { side, batch } = s.mobilenet;
  const base = {
    kind: 'model',
    inputShape: [side, side, 3],
    classes: 1000,
    layers: [
      { kind: 'mobilenetV2', alpha: 1, trainable: false },
      { kind: 'dense', units: 1000, activation: 'softmax' },
    ],
  } as const;
  const what = `MobileNetV2 alpha 1.0 (Keras architecture, random weights), ${side}x${side}x3 -> dense 1000 softmax`;
  return [
    {
      ...base,
      name: 'mobilenetv2-b1',
      description: `${what}; batch 1, inference only`,
      batchSize: 1,
      modes: ['infer'],
    },
    {
      ...base,
      name: `mobilenetv2-b${FULL.mobilenet.batch}`,
      description: `${what}; batch ${batch}; train = fine-tune the head (trunk frozen), Adam`,
      batchSize: batch,
    },
  ];
}

function rnnWorkload(
  name: string,
  kind: 'simpleRNN' | 'lstm' | 'gru',
  units: number,
  s: Scale,
  label: string,
): ModelWorkload {
  return {
    kind: 'model',
    name,
    description: `${label}(${units}) on ${s.steps}x8 sequences, dense 10 softmax; batch ${s.rnnBatch}, Adam`,
    inputShape: [s.steps, 8],
    batchSize: s.rnnBatch,
    classes: 10,
    layers: [
      { kind, units },
      { kind: 'dense', units: 10, activation: 'softmax' },
    ],
  };
}

/**
 * Every workload, in table order; `quick` gives the small CI-smoke variants (batch 8, 10 time steps, 16x16
 * images for cnn-large, matmul 32/64/128), whose numbers are not comparable with a full run.
 *
 * @example
 * ```ts
 * workloads(false).map((w) => w.name); // ['matmul-256', 'matmul-512', 'matmul-1024', 'mlp', ...]
 * ```
 */
export function workloads(quick: boolean): Workload[] {
  const s = quick ? QUICK : FULL;
  const side = s.cifarSide;
  const matmuls: MatmulWorkload[] = s.matmul.map((n) => ({
    kind: 'matmul',
    name: `matmul-${n}`,
    description: `C = A·B, float32 ${n}x${n} (train: also dA and dB)`,
    n,
  }));
  const conv = (filters: number, kernelSize: number, padding: 'valid' | 'same'): LayerSpec => ({
    kind: 'conv2d',
    filters,
    kernelSize,
    padding,
    activation: 'relu',
  });
  return [
    ...matmuls,
    {
      kind: 'model',
      name: 'xor',
      description: 'XOR-sized: 2 inputs, dense 8 relu, dense 2 softmax; batch 4 (the four XOR points), Adam',
      inputShape: [2],
      batchSize: 4,
      classes: 2,
      layers: [
        { kind: 'dense', units: 8, activation: 'relu' },
        { kind: 'dense', units: 2, activation: 'softmax' },
      ],
    },
    {
      kind: 'model',
      name: 'mlp',
      description: `dense 784-128 relu, dense 10 softmax; batch ${s.batch}, Adam`,
      inputShape: [784],
      batchSize: s.batch,
      classes: 10,
      layers: [
        { kind: 'dense', units: 128, activation: 'relu' },
        { kind: 'dense', units: 10, activation: 'softmax' },
      ],
    },
    {
      kind: 'model',
      name: 'cnn-small',
      description: `28x28x1: conv 8 5x5 relu, maxPool 2, conv 16 5x5 relu, maxPool 2, dense 10 softmax; batch ${s.batch}, Adam`,
      inputShape: [28, 28, 1],
      batchSize: s.batch,
      classes: 10,
      layers: [
        conv(8, 5, 'valid'),
        { kind: 'maxPool', poolSize: 2 },
        conv(16, 5, 'valid'),
        { kind: 'maxPool', poolSize: 2 },
        { kind: 'flatten' },
        { kind: 'dense', units: 10, activation: 'softmax' },
      ],
    },
    {
      kind: 'model',
      name: 'cnn-large',
      description:
        `${side}x${side}x3: conv 32 3x3 same, conv 32 3x3, maxPool 2, dropout .25, conv 64 3x3 same, conv 64 3x3, ` +
        `maxPool 2, dropout .25, dense 512 relu, dropout .5, dense 10 softmax; batch ${s.batch}, Adam`,
      inputShape: [side, side, 3],
      batchSize: s.batch,
      classes: 10,
      layers: [
        conv(32, 3, 'same'),
        conv(32, 3, 'valid'),
        { kind: 'maxPool', poolSize: 2 },
        { kind: 'dropout', rate: 0.25 },
        conv(64, 3, 'same'),
        conv(64, 3, 'valid'),
        { kind: 'maxPool', poolSize: 2 },
        { kind: 'dropout', rate: 0.25 },
        { kind: 'flatten' },
        { kind: 'dense', units: 512, activation: 'relu' },
        { kind: 'dropout', rate: 0.5 },
        { kind: 'dense', units: 10, activation: 'softmax' },
      ],
    },
    rnnWorkload('simple-rnn', 'simpleRNN', 32, s, 'SimpleRNN'),
    rnnWorkload('lstm', 'lstm', 64, s, 'LSTM'),
    rnnWorkload('gru', 'gru', 64, s, 'GRU'),
    charLstm(s),
    ...mobilenets(s),
  ];
}

/**
 * Expand `--workload` names (groups such as `matmul`, single sizes such as `matmul-1024`, or `all`) into
 * workloads, in table order, without duplicates.
 *
 * @example
 * ```ts
 * selectWorkloads(['lstm', 'matmul'], false).map((w) => w.name); // ['matmul-256', 'matmul-512', 'matmul-1024', 'lstm']
 * ```
 */
export function selectWorkloads(names: readonly string[], quick: boolean): Workload[] {
  const all = workloads(quick);
  const wanted = new Set<string>();
  for (const raw of names) {
    const name = raw.trim();
    if (name === 'all') {
      for (const w of all) wanted.add(w.name);
      continue;
    }
    const hits = all.filter(
      (w) =>
        w.name === name ||
        (name === 'matmul' && w.kind === 'matmul') ||
        (name === 'mobilenetv2' && w.name.startsWith('mobilenetv2-')),
    );
    if (hits.length === 0) {
      throw new Error(
        `--workload: unknown workload '${name}'; expected one of all, ${WORKLOAD_GROUPS.join(', ')}, ` +
          all
            .filter((w) => w.kind === 'matmul')
            .map((w) => w.name)
            .join(', '),
      );
    }
    for (const w of hits) wanted.add(w.name);
  }
  return all.filter((w) => wanted.has(w.name));
}

/**
 * Find one workload by its exact name (as stored in a cell spec).
 *
 * @example
 * ```ts
 * findWorkload('gru', true).batchSize; // 8
 * ```
 */
export function findWorkload(name: string, quick: boolean): Workload {
  const w = workloads(quick).find((x) => x.name === name);
  if (!w) throw new Error(`unknown workload '${name}'${quick ? ' (quick)' : ''}`);
  return w;
}

/**
 * The modes a workload runs in, among `wanted` (a MobileNetV2 at batch 1 only infers).
 *
 * @example
 * ```ts
 * modesOf(findWorkload('mobilenetv2-b1', false), ['train', 'infer']); // ['infer']
 * ```
 */
export function modesOf(w: Workload, wanted: readonly Mode[]): Mode[] {
  return wanted.filter((m) => w.kind !== 'model' || !w.modes || w.modes.includes(m));
}

/**
 * Examples per batch: the batch size of a model, 1 for a matmul (one product is one "sample").
 *
 * @example
 * ```ts
 * batchSizeOf(findWorkload('lstm', false)); // 32
 * ```
 */
export function batchSizeOf(w: Workload): number {
  return w.kind === 'model' ? w.batchSize : 1;
}

/**
 * Name of the unit counted per second: `samples` for models, `products` for matmul.
 *
 * @example
 * ```ts
 * unitOf(findWorkload('matmul-256', false)); // 'products'
 * ```
 */
export function unitOf(w: Workload): 'samples' | 'products' {
  return w.kind === 'model' ? 'samples' : 'products';
}

/**
 * Tokens (characters) per sample of a `next-token` workload (its window length), or null for the others.
 *
 * @example
 * ```ts
 * tokensPerSample(findWorkload('char-lstm', false)); // 64
 * ```
 */
export function tokensPerSample(w: Workload): number | null {
  return w.kind === 'model' && w.task === 'next-token' ? w.inputShape[0]! : null;
}
