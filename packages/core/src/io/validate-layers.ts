/**
 * The schema of the layer configs Neurona reads, by field: each known field (in any layer) has the JSON
 * type and range the layer constructors accept, so a retyped or out-of-range field is refused with its path
 * before a layer is made, never deep inside a constructor (`init.replace is not a function`); `null` stands
 * for the field's default. Checks of
 * meaning (an unknown activation name, strides that do not fit the rank) stay with the layers themselves.
 */
import type { CanonicalLayer, CanonicalTopology } from './normalize.js';
import { isModelClass } from './normalize.js';
import { show } from './normalize-json.js';
import type { JsonValue } from './types.js';
import { kindOf } from './validate-json.js';

/** The largest size of one dimension (of a shape, a unit count, a kernel): what a typed array can index. */
export const MAX_DIM = 2 ** 31 - 1;

/** A field rule: whether a value is accepted, and how the accepted values are described. */
interface Rule {
  readonly ok: (v: JsonValue) => boolean;
  readonly expected: string;
}

const isInt = (v: JsonValue): v is number => typeof v === 'number' && Number.isInteger(v);
const posInt = (v: JsonValue): boolean => isInt(v) && v >= 1 && v <= MAX_DIM;
const finite = (v: JsonValue): v is number => typeof v === 'number' && Number.isFinite(v);
const isObj = (v: JsonValue): v is { [k: string]: JsonValue } =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
const list = (v: JsonValue, item: (x: JsonValue) => boolean, min = 0, max = Infinity): boolean =>
  Array.isArray(v) && v.length >= min && v.length <= max && v.every(item);
const orNull = (r: Rule): Rule => ({ ok: (v) => v === null || r.ok(v), expected: `${r.expected} or null` });

const POS_INT: Rule = { ok: posInt, expected: `a whole number in [1, ${MAX_DIM}]` };
const SIZES: Rule = {
  ok: (v) => posInt(v) || list(v, posInt, 1, 3),
  expected: `a whole number in [1, ${MAX_DIM}] or a list of 1 to 3 of them`,
};
const BOOL: Rule = { ok: (v) => typeof v === 'boolean', expected: 'true or false' };
const NAME: Rule = { ok: (v) => typeof v === 'string' && v !== '', expected: 'a non-empty string' };
const STRING: Rule = { ok: (v) => typeof v === 'string', expected: 'a string' };
const NUMBER: Rule = { ok: finite, expected: 'a finite number' };
const FRACTION: Rule = { ok: (v) => finite(v) && v >= 0 && v < 1, expected: 'a number in [0, 1)' };
const POSITIVE: Rule = { ok: (v) => finite(v) && v > 0, expected: 'a number > 0' };
const NON_NEGATIVE: Rule = { ok: (v) => finite(v) && v >= 0, expected: 'a number >= 0' };
const INTS: Rule = { ok: (v) => isInt(v) || list(v, isInt, 1), expected: 'a whole number or a list of them' };
const INT_LIST: Rule = { ok: (v) => list(v, isInt), expected: 'a list of whole numbers' };
const CLASS_OBJECT = (v: JsonValue): boolean =>
  isObj(v) &&
  typeof v.class_name === 'string' &&
  v.class_name !== '' &&
  (v.config === undefined || isObj(v.config));
const INITIALIZER: Rule = {
  ok: (v) => (typeof v === 'string' && v !== '') || CLASS_OBJECT(v),
  expected: 'an initializer name or { class_name, config }',
};
const SERIALIZED = orNull({ ok: CLASS_OBJECT, expected: '{ class_name, config }' });
const BATCH_SHAPE: Rule = {
  ok: (v) => list(v, (d) => d === null || (isInt(d) && d >= 0 && d <= MAX_DIM), 1),
  expected: `a list of sizes (whole numbers in [0, ${MAX_DIM}] or null)`,
};
const oneOf = (...names: string[]): Rule => ({
  ok: (v) => typeof v === 'string' && names.includes(v),
  expected: `one of ${names.map((n) => `'${n}'`).join(', ')}`,
});

/** The rule of each field, for every layer class that has the field (snake_case, as saved). */
const FIELDS: { [field: string]: Rule } = {
  name: NAME,
  trainable: BOOL,
  dtype: orNull(STRING),
  batch_input_shape: BATCH_SHAPE,
  units: POS_INT,
  filters: POS_INT,
  output_dim: POS_INT,
  input_dim: POS_INT,
  depth_multiplier: POS_INT,
  n: POS_INT,
  kernel_size: SIZES,
  pool_size: orNull(SIZES),
  strides: orNull(SIZES),
  dilation_rate: SIZES,
  size: SIZES,
  activation: orNull(STRING),
  recurrent_activation: orNull(STRING),
  data_format: orNull(oneOf('channels_last', 'channels_first')),
  use_bias: BOOL,
  return_sequences: BOOL,
  return_state: BOOL,
  go_backwards: BOOL,
  stateful: BOOL,
  unroll: BOOL,
  center: BOOL,
  scale: BOOL,
  reset_after: BOOL,
  mask_zero: BOOL,
  unit_forget_bias: BOOL,
  keepdims: BOOL,
  normalize: BOOL,
  rate: FRACTION,
  dropout: FRACTION,
  recurrent_dropout: FRACTION,
  epsilon: POSITIVE,
  momentum: NUMBER,
  stddev: NON_NEGATIVE,
  alpha: NUMBER,
  theta: NUMBER,
  negative_slope: NUMBER,
  threshold: NUMBER,
  max_value: orNull(NUMBER),
  axis: INTS,
  axes: INTS,
  target_shape: INT_LIST,
  dims: INT_LIST,
  shared_axes: orNull(INT_LIST),
  noise_shape: orNull({
    ok: (v) => list(v, (d) => d === null || posInt(d)),
    expected: 'a list of sizes or nulls',
  }),
  input_length: orNull({
    ok: (v) => posInt(v) || list(v, (d) => d === null || posInt(d)),
    expected: 'a size',
  }),
  merge_mode: orNull(STRING),
  implementation: orNull({ ok: isInt, expected: 'a whole number' }),
  seed: orNull({ ok: isInt, expected: 'a whole number' }),
  interpolation: STRING,
};

/** Fields whose meaning depends on the class (`padding` of ZeroPadding2D is sizes, of Conv2D a mode). */
function ruleOf(cls: string, field: string): Rule | undefined {
  if (field === 'padding') return cls === 'ZeroPadding2D' ? undefined : oneOf('valid', 'same', 'causal');
  if (field.endsWith('_initializer')) return INITIALIZER;
  if (field.endsWith('_regularizer') || field.endsWith('_constraint')) return SERIALIZED;
  return Object.hasOwn(FIELDS, field) ? FIELDS[field] : undefined;
}

/** Throw unless every known field of one layer config follows its rule; `path` is the layer entry's. */
function checkLayerConfig(layer: CanonicalLayer, path: string): void {
  const label = `${layer.class_name}${typeof layer.config.name === 'string' ? ` '${layer.config.name}'` : ''}`;
  for (const [field, v] of Object.entries(layer.config)) {
    const rule = ruleOf(layer.class_name, field);
    // null is how tfjs-layers and Keras write "the default" for optional fields; the constructors agree.
    if (!rule || v === null || rule.ok(v)) continue;
    throw new Error(
      `loadModel: ${path}.config.${field} (${label}) must be ${rule.expected}, got ${isObj(v) || Array.isArray(v) ? show(v) : kindOf(v)}`,
    );
  }
}

/**
 * Check every layer config of a canonical topology (nested models and wrapped layers included) against the
 * field schema; `root` is where the model config sits in the file (`modelTopology` or
 * `modelTopology.model_config`).
 *
 * @example
 * ```ts
 * checkLayerConfigs(normalizeTopology(artifacts.modelTopology)); // throws for { units: '5' }
 * ```
 */
export function checkLayerConfigs(topo: CanonicalTopology, root = 'modelTopology'): void {
  const stack: [CanonicalLayer, string][] = [[topo as unknown as CanonicalLayer, root]];
  while (stack.length > 0) {
    const [layer, path] = stack.pop()!;
    if (isModelClass(layer.class_name)) {
      const name = layer.config.name;
      if (name !== undefined && name !== null && typeof name !== 'string') {
        throw new Error(`loadModel: ${path}.config.name must be a string, got ${kindOf(name)}`);
      }
      const layers = layer.config.layers as unknown as CanonicalLayer[];
      for (const [i, l] of layers.entries()) stack.push([l, `${path}.config.layers[${i}]`]);
      continue;
    }
    checkLayerConfig(layer, path);
    for (const k of ['layer', 'forward_layer', 'backward_layer']) {
      const inner = layer.config[k];
      if (isObj(inner) && typeof inner.class_name === 'string' && isObj(inner.config)) {
        stack.push([inner as unknown as CanonicalLayer, `${path}.config.${k}`]);
      }
    }
  }
}
