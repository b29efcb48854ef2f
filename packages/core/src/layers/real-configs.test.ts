// The layers of this round, built from the configs real published models hold (MobileNetV2's ReLU6 and
// ZeroPadding2D, ml5's UpSampling2D, a sentiment model's GlobalMaxPooling1D). Reads the shared model corpus:
// skipped with the reason when it is absent, required when CI is set.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';
import type { ConfigDict } from '../initializers/initializers.js';
import { registerBuiltinLayers } from './builtins.js';

const CORPUS = join(import.meta.dirname, '../../../../../shared/models/real-tfjs');
const present = existsSync(CORPUS);
const required = Boolean(process.env.CI);
if (!present && !required) {
  console.warn(
    `skipping the real-model layer configs: ${CORPUS} is absent (it holds the shared corpus of issue 12; copy it there to run this test)`,
  );
}

const MINE = new Set(['ReLU', 'ZeroPadding2D', 'UpSampling2D', 'GlobalMaxPooling1D']);

/** Keras JSON keys to camelCase, data formats too (what io does when loading). */
function camel(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => camel(v, key));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k === 'class_name' ? 'className' : k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()),
        camel(v, k),
      ]),
    );
  }
  return key === 'data_format' && typeof value === 'string' ? 'channelsLast' : value;
}

/** Every `{ class_name, config }` of the layers above in a model.json, with the model's folder name. */
function entries(): { model: string; className: string; config: ConfigDict }[] {
  const out: { model: string; className: string; config: ConfigDict }[] = [];
  const walk = (o: unknown, model: string): void => {
    if (Array.isArray(o)) for (const v of o) walk(v, model);
    else if (o !== null && typeof o === 'object') {
      const r = o as { class_name?: unknown; config?: unknown };
      if (typeof r.class_name === 'string' && MINE.has(r.class_name)) {
        out.push({ model, className: r.class_name, config: camel(r.config) as ConfigDict });
      }
      for (const v of Object.values(o)) walk(v, model);
    }
  };
  for (const dir of readdirSync(CORPUS)) {
    const f = join(CORPUS, dir, 'model.json');
    if (existsSync(f)) walk(JSON.parse(readFileSync(f, 'utf8')), dir);
  }
  return out;
}

beforeAll(async () => {
  await nr.setBackend(cpu({ fast: false }));
});

describe.skipIf(!present && !required)('layer configs of real TensorFlow.js models', () => {
  it('the corpus is there', () => {
    expect(present, `missing ${CORPUS}`).toBe(true);
  });

  it('every ReLU, ZeroPadding2D, UpSampling2D and GlobalMaxPooling1D config builds and runs', () => {
    registerBuiltinLayers();
    const found = entries();
    const seen = new Map<string, string>();
    for (const e of found) {
      const Cls = nr.getLayerClass(e.className);
      const layer = new Cls(e.config as never);
      const x = e.className === 'GlobalMaxPooling1D' ? nr.ones([1, 4, 3]) : nr.ones([1, 4, 4, 2]);
      const y = layer.apply(x);
      expect(y.shape, `${e.model} ${e.className}`).toEqual(layer.computeOutputShape(x.shape));
      nr.dispose([x, y]);
      layer.dispose();
      seen.set(e.className, e.model);
    }
    // What issue 12 names: MobileNetV2's ReLU6 and padding, ml5's up-sampling, the sentiment model's pooling.
    expect(seen.get('ReLU')).toBe('tm-image-mobilenetv2');
    expect(seen.get('ZeroPadding2D')).toBe('tm-image-mobilenetv2');
    expect(seen.has('UpSampling2D')).toBe(true);
    expect(seen.has('GlobalMaxPooling1D')).toBe(true);
    const relu = found.find((e) => e.className === 'ReLU')!;
    expect((new (nr.getLayerClass('ReLU'))(relu.config as never) as nr.layers.ReLU).maxValue).toBe(6);
    const padding = found.find((e) => e.className === 'ZeroPadding2D')!;
    expect(
      (new (nr.getLayerClass('ZeroPadding2D'))(padding.config as never) as nr.layers.ZeroPadding2D).padding,
    ).toEqual([
      [0, 1],
      [0, 1],
    ]);
  });
});
