/**
 * The weights manifest checked against what Neurona reads and against the weight bytes: every spec has a
 * name, a shape of whole non-negative sizes, a dtype Neurona stores, a well-formed quantization; no name is
 * given twice; and the bytes the specs declare add up to exactly the bytes of the weight files.
 */
import { show } from './normalize-json.js';
import type { JsonValue, WeightSpec } from './types.js';
import { checkJsonTree, kindOf } from './validate-json.js';
import { checkWeightBytes, locateWeights } from './weights.js';

/** The largest element count of one weight (and of all of them): what a typed array can index. */
export const MAX_WEIGHT_VALUES = 2 ** 31 - 1;

const PLAIN_DTYPES = ['float32', 'int32', 'bool'];
const QUANTIZED_DTYPES = ['uint8', 'uint16', 'float16'];

type Obj = { [key: string]: JsonValue };
const isObject = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

const fail = (path: string, expected: string, v: unknown): never => {
  throw new Error(
    `loadModel: ${path} must be ${expected}, got ${typeof v === 'object' && v !== null ? show(v as JsonValue) : kindOf(v)}`,
  );
};

/**
 * One manifest entry checked (`path` names it in errors, e.g. `weightsManifest[0].weights[3]`).
 *
 * @example
 * ```ts
 * checkWeightSpec({ name: 'dense/bias', shape: [3], dtype: 'float32' }, 'weightSpecs[1]');
 * ```
 */
export function checkWeightSpec(v: unknown, path: string): WeightSpec {
  if (!isObject(v)) return fail(path, 'a weight entry { name, shape, dtype }', v);
  if (typeof v.name !== 'string' || v.name === '') fail(`${path}.name`, 'a non-empty string', v.name);
  const shape = v.shape;
  if (!Array.isArray(shape)) return fail(`${path}.shape`, 'an array of sizes', shape);
  let count = 1;
  for (const [i, d] of shape.entries()) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0 || d > MAX_WEIGHT_VALUES) {
      fail(`${path}.shape[${i}]`, `a whole number in [0, ${MAX_WEIGHT_VALUES}]`, d);
    }
    count *= d as number;
  }
  if (count > MAX_WEIGHT_VALUES) {
    throw new Error(
      `loadModel: ${path}.shape [${shape.join(', ')}] holds ${count} values, more than the ${MAX_WEIGHT_VALUES} one weight may have`,
    );
  }
  const q = v.quantization;
  if (q !== undefined && q !== null) {
    if (!isObject(q))
      fail(`${path}.quantization`, `an object { dtype: ${QUANTIZED_DTYPES.join(' | ')}, min?, scale? }`, q);
    const qd = (q as Obj).dtype;
    if (typeof qd !== 'string' || !QUANTIZED_DTYPES.includes(qd)) {
      fail(`${path}.quantization.dtype`, `one of ${QUANTIZED_DTYPES.map((d) => `'${d}'`).join(', ')}`, qd);
    }
    for (const k of ['min', 'scale']) {
      const x = (q as Obj)[k];
      if (qd !== 'float16' && (typeof x !== 'number' || !Number.isFinite(x))) {
        fail(`${path}.quantization.${k}`, `a finite number (${qd} quantization needs 'min' and 'scale')`, x);
      }
    }
    const od = (q as Obj).original_dtype;
    if (od !== undefined && od !== 'float32' && od !== 'int32')
      fail(`${path}.quantization.original_dtype`, "'float32' or 'int32'", od);
    const dt = v.dtype;
    if (typeof dt !== 'string' || ![...PLAIN_DTYPES, ...QUANTIZED_DTYPES].includes(dt) || dt === 'bool') {
      fail(
        `${path}.dtype`,
        "'float32' or 'int32' (a quantized weight's value dtype) or its stored dtype",
        dt,
      );
    }
  } else if (typeof v.dtype !== 'string' || !PLAIN_DTYPES.includes(v.dtype)) {
    fail(
      `${path}.dtype`,
      `one of ${PLAIN_DTYPES.map((d) => `'${d}'`).join(', ')} (or a quantized weight)`,
      v.dtype,
    );
  }
  if (v.group !== undefined && v.group !== null && typeof v.group !== 'string')
    fail(`${path}.group`, 'a string', v.group);
  return v as unknown as WeightSpec;
}

/**
 * Check a list of specs (`pathOf(i)` names the i-th) for entries and repeated names, and that they declare
 * exactly `byteLength` bytes in all (`dataPath` names the weight data in errors).
 *
 * @example
 * ```ts
 * checkWeightSpecs(artifacts.weightSpecs, artifacts.weightData.byteLength, (i) => `weightSpecs[${i}]`, 'weightData');
 * ```
 */
export function checkWeightSpecs(
  specs: readonly unknown[],
  byteLength: number,
  pathOf: (i: number) => string,
  dataPath: string,
): WeightSpec[] {
  const seen = new Map<string, number>();
  const out = specs.map((s, i) => {
    const spec = checkWeightSpec(s, pathOf(i));
    const key = `${spec.group ?? ''}\u0000${spec.name}`;
    const first = seen.get(key);
    if (first !== undefined) {
      throw new Error(
        `loadModel: ${pathOf(i)}.name '${spec.name}' is also the name of ${pathOf(first)}: each weight is stored once`,
      );
    }
    seen.set(key, i);
    return spec;
  });
  const located = locateWeights(out);
  const declared = located.reduce((n, l) => n + l.bytes, 0);
  // Too short: the first weight that does not fit is named, with a hint when the sizes suggest quantization.
  checkWeightBytes(located, byteLength);
  if (declared !== byteLength) {
    throw new Error(
      `loadModel: ${dataPath} has ${byteLength} bytes, but the weights manifest declares ${declared}: the weight files are longer than the manifest says, or do not belong to this model.json`,
    );
  }
  return out;
}

/**
 * A `model.json`'s `weightsManifest` checked group by group (`where` names the file): the weight file paths in
 * order with their fields (`weightsManifest[0].paths[1]`), and every spec (paths such as
 * `weightsManifest[0].weights[3].shape[1]` in errors).
 *
 * @example
 * ```ts
 * const { paths, specs } = checkManifestGroups(json.weightsManifest, 'model.json');
 * ```
 */
export function checkManifestGroups(
  manifest: unknown,
  where: string,
): { paths: string[]; pathFields: string[]; specs: WeightSpec[] } {
  if (!Array.isArray(manifest))
    return fail(`${where}: weightsManifest`, 'an array of { paths, weights }', manifest);
  checkJsonTree(manifest, `${where}: weightsManifest`);
  const paths: string[] = [];
  const pathFields: string[] = [];
  const specs: WeightSpec[] = [];
  for (const [g, group] of manifest.entries()) {
    const gp = `weightsManifest[${g}]`;
    if (!isObject(group)) fail(`${where}: ${gp}`, 'an object { paths, weights }', group);
    const { paths: ps, weights } = group as Obj;
    if (!Array.isArray(ps)) fail(`${where}: ${gp}.paths`, 'an array of weight file names', ps);
    if (!Array.isArray(weights)) fail(`${where}: ${gp}.weights`, 'an array of weight entries', weights);
    for (const [i, p] of (ps as JsonValue[]).entries()) {
      if (typeof p !== 'string' || p === '') fail(`${where}: ${gp}.paths[${i}]`, 'a weight file name', p);
      paths.push(p as string);
      pathFields.push(`${gp}.paths[${i}]`);
    }
    for (const [i, w] of (weights as JsonValue[]).entries()) {
      specs.push(checkWeightSpec(w, `${where}: ${gp}.weights[${i}]`));
    }
  }
  return { paths, pathFields, specs };
}
