/**
 * MobileNetV2 (Sandler et al. 2018) as Keras builds it (`keras.applications.MobileNetV2`), described once as
 * data: the Neurona, tfjs-layers and PyTorch builders of the bench all walk the same {@link MobileNetV2Spec},
 * and `flops.ts` counts its products from it.
 *
 * The trunk, per Keras: `Conv1` (3x3, stride 2, `same`, no bias) + BatchNormalization + ReLU6; seventeen inverted
 * residual blocks (a 1x1 `expand` convolution to `expansion` times the input channels, except in block 0; a 3x3
 * depthwise convolution, after a `ZeroPadding2D` of `((0, 1), (0, 1))` and with `valid` padding when the stride is
 * 2; a 1x1 linear `project` convolution; each followed by BatchNormalization, the first two by ReLU6; an `add`
 * of the block's input when the stride is 1 and the channels match); `Conv_1` (1x1 to 1280) + BN + ReLU6; global
 * average pooling. Every BatchNormalization has epsilon 1e-3 and momentum 0.999. With the 1000-class softmax
 * head the model has 3,538,984 weights (34,112 of them the BatchNormalization moving statistics).
 */

/**
 * One inverted residual block.
 *
 * @example
 * ```ts
 * const b: InvertedResidual = { id: 1, inChannels: 16, expansion: 6, filters: 24, stride: 2 };
 * ```
 */
export interface InvertedResidual {
  /** Keras's `block_id` (0 to 16); names its layers (`block_<id>_expand`, block 0: `expanded_conv_`). */
  readonly id: number;
  readonly inChannels: number;
  /** Expansion factor of the 1x1 `expand` convolution (block 0 has none: 1). */
  readonly expansion: number;
  /** Output channels of the `project` convolution. */
  readonly filters: number;
  readonly stride: 1 | 2;
}

/**
 * The whole trunk: stem filters, the blocks in order, and the last 1x1 convolution's filters.
 *
 * @example
 * ```ts
 * const s: MobileNetV2Spec = mobilenetV2Spec(1); // s.blocks.length === 17
 * ```
 */
export interface MobileNetV2Spec {
  readonly alpha: number;
  readonly stemFilters: number;
  readonly blocks: readonly InvertedResidual[];
  readonly lastFilters: number;
}

/**
 * Keras's `_make_divisible`: round `v` to the nearest multiple of `divisor`, never below `divisor` nor more
 * than 10% below `v`.
 *
 * @example
 * ```ts
 * [makeDivisible(32 * 0.35, 8), makeDivisible(24, 8), makeDivisible(1280 * 1.3, 8)]; // [16, 24, 1664]
 * ```
 */
export function makeDivisible(v: number, divisor: number): number {
  let out = Math.max(divisor, Math.floor(v + divisor / 2) - (Math.floor(v + divisor / 2) % divisor));
  if (out < 0.9 * v) out += divisor;
  return out;
}

/** Keras's block table: expansion, filters, stride of blocks 0 to 16. */
const BLOCKS: readonly (readonly [expansion: number, filters: number, stride: 1 | 2])[] = [
  [1, 16, 1],
  [6, 24, 2],
  [6, 24, 1],
  [6, 32, 2],
  [6, 32, 1],
  [6, 32, 1],
  [6, 64, 2],
  [6, 64, 1],
  [6, 64, 1],
  [6, 64, 1],
  [6, 96, 1],
  [6, 96, 1],
  [6, 96, 1],
  [6, 160, 2],
  [6, 160, 1],
  [6, 160, 1],
  [6, 320, 1],
];

/**
 * The MobileNetV2 trunk at width multiplier `alpha` (Keras's channel rounding included).
 *
 * @example
 * ```ts
 * mobilenetV2Spec(1).blocks[16]; // { id: 16, inChannels: 160, expansion: 6, filters: 320, stride: 1 }
 * ```
 */
export function mobilenetV2Spec(alpha: number): MobileNetV2Spec {
  if (!(alpha > 0)) throw new Error(`mobilenetV2Spec: alpha must be > 0, got ${alpha}`);
  const stemFilters = makeDivisible(32 * alpha, 8);
  let inChannels = stemFilters;
  const blocks = BLOCKS.map(([expansion, filters, stride], id) => {
    const block: InvertedResidual = {
      id,
      inChannels,
      expansion,
      filters: makeDivisible(Math.floor(filters * alpha), 8),
      stride,
    };
    inChannels = block.filters;
    return block;
  });
  return { alpha, stemFilters, blocks, lastFilters: alpha > 1 ? makeDivisible(1280 * alpha, 8) : 1280 };
}

/**
 * Whether a block ends with the `add` of its input (stride 1 and as many channels out as in).
 *
 * @example
 * ```ts
 * hasResidual({ id: 2, inChannels: 24, expansion: 6, filters: 24, stride: 1 }); // true
 * ```
 */
export function hasResidual(b: InvertedResidual): boolean {
  return b.stride === 1 && b.inChannels === b.filters;
}

/**
 * Keras's layer-name prefix of a block: `expanded_conv_` for block 0, `block_<id>_` for the others.
 *
 * @example
 * ```ts
 * blockPrefix(3); // 'block_3_'
 * ```
 */
export function blockPrefix(id: number): string {
  return id === 0 ? 'expanded_conv_' : `block_${id}_`;
}

/**
 * The spatial size after a 3x3 stride-`s` convolution as Keras's MobileNetV2 pads it (`same` at stride 1;
 * at stride 2, `ceil(n / 2)` for the stem's `same` and the blocks' zero padding `(0, 1)` alike on even `n`).
 *
 * @example
 * ```ts
 * [outSize(224, 2), outSize(7, 1)]; // [112, 7]
 * ```
 */
export function outSize(n: number, stride: 1 | 2): number {
  return stride === 1 ? n : Math.ceil(n / 2);
}

/**
 * Forward multiply-add FLOPs (2 per multiply-add) of the trunk on a `side x side x 3` image, and the part that
 * is the stem's convolution (whose input gradient nobody needs).
 *
 * @example
 * ```ts
 * mobilenetV2Flops(mobilenetV2Spec(1), 224).forward; // ~600M: MobileNetV2's ~300M multiply-adds
 * ```
 */
export function mobilenetV2Flops(s: MobileNetV2Spec, side: number): { forward: number; stem: number } {
  let n = outSize(side, 2);
  const stem = 2 * n * n * 9 * 3 * s.stemFilters;
  let forward = stem;
  for (const b of s.blocks) {
    const hidden = b.inChannels * b.expansion;
    if (b.expansion !== 1) forward += 2 * n * n * b.inChannels * hidden; // expand 1x1
    n = outSize(n, b.stride);
    forward += 2 * n * n * 9 * hidden; // depthwise 3x3
    forward += 2 * n * n * hidden * b.filters; // project 1x1
  }
  forward += 2 * n * n * s.blocks[s.blocks.length - 1]!.filters * s.lastFilters; // Conv_1
  return { forward, stem };
}

/**
 * What a framework's functional API must provide to build the trunk: each call applies one new layer (named as
 * Keras names it) to symbolic tensors of type `T` and returns its output.
 *
 * @example
 * ```ts
 * const ops: TrunkOps<nr.SymbolicTensor> = { conv, depthwise, batchNorm, relu6, pad, add, pool };
 * ```
 */
export interface TrunkOps<T> {
  /** Convolution without bias, `same` padding. */
  conv(x: T, a: { filters: number; kernelSize: 1 | 3; strides: 1 | 2; name: string }): T;
  /** 3x3 depthwise convolution without bias. */
  depthwise(x: T, a: { strides: 1 | 2; padding: 'same' | 'valid'; name: string }): T;
  /** BatchNormalization, epsilon 1e-3, momentum 0.999. */
  batchNorm(x: T, name: string): T;
  /** ReLU capped at 6. */
  relu6(x: T, name: string): T;
  /** ZeroPadding2D `((0, 1), (0, 1))`. */
  pad(x: T, name: string): T;
  add(a: T, b: T, name: string): T;
  /** Global average pooling. */
  pool(x: T, name: string): T;
}

/**
 * Build the trunk of `s` on the symbolic image `image` with a framework's `ops`, layer by layer as Keras's
 * `MobileNetV2(include_top=False, pooling='avg')` does; returns the pooled features (`lastFilters` of them).
 *
 * @example
 * ```ts
 * const image = nr.input({ shape: [224, 224, 3] });
 * const features = buildTrunk(mobilenetV2Spec(1), image, neuronaTrunkOps);
 * ```
 */
export function buildTrunk<T>(s: MobileNetV2Spec, image: T, ops: TrunkOps<T>): T {
  let x = ops.conv(image, { filters: s.stemFilters, kernelSize: 3, strides: 2, name: 'Conv1' });
  x = ops.relu6(ops.batchNorm(x, 'bn_Conv1'), 'Conv1_relu');
  for (const b of s.blocks) {
    const p = blockPrefix(b.id);
    const input = x;
    if (b.id !== 0) {
      x = ops.conv(x, { filters: b.inChannels * b.expansion, kernelSize: 1, strides: 1, name: `${p}expand` });
      x = ops.relu6(ops.batchNorm(x, `${p}expand_BN`), `${p}expand_relu`);
    }
    if (b.stride === 2) x = ops.pad(x, `${p}pad`);
    x = ops.depthwise(x, {
      strides: b.stride,
      padding: b.stride === 1 ? 'same' : 'valid',
      name: `${p}depthwise`,
    });
    x = ops.relu6(ops.batchNorm(x, `${p}depthwise_BN`), `${p}depthwise_relu`);
    x = ops.conv(x, { filters: b.filters, kernelSize: 1, strides: 1, name: `${p}project` });
    x = ops.batchNorm(x, `${p}project_BN`);
    if (hasResidual(b)) x = ops.add(input, x, `${p}add`);
  }
  x = ops.conv(x, { filters: s.lastFilters, kernelSize: 1, strides: 1, name: 'Conv_1' });
  x = ops.relu6(ops.batchNorm(x, 'Conv_1_bn'), 'out_relu');
  return ops.pool(x, 'global_average_pooling2d');
}
