// Whatever a model file holds, normalizeTopology either returns a canonical topology or throws an Error
// that starts with 'loadModel: ' (never a TypeError from reading into a wrong shape), and the canonical form
// is a fixed point.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeTopology } from './normalize.js';
import type { JsonValue } from './types.js';

const json = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<JsonValue>;
/** Mostly the well-formed value, sometimes any JSON in its place. */
const maybe = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | JsonValue> =>
  fc.oneof({ arbitrary: a, weight: 12 }, { arbitrary: json, weight: 1 });
const name = fc.constantFrom('a', 'b', 'dense', 'cat');
const triple = fc.tuple(name, fc.nat(2), fc.nat(2));
const kerasTensor = triple.map((h) => ({
  class_name: '__keras_tensor__',
  config: { shape: [null, 2], keras_history: h },
}));
const node = fc.oneof(
  fc.array(fc.tuple(name, fc.nat(2), fc.nat(2), fc.constant({}))),
  fc.record({
    args: maybe(fc.array(fc.oneof(kerasTensor, fc.array(kerasTensor)))),
    kwargs: maybe(fc.constant({})),
  }),
);
const layer = fc.record(
  {
    class_name: maybe(fc.constantFrom('Dense', 'InputLayer', 'Reshape', 'Sequential', 'Functional')),
    name: maybe(name),
    config: maybe(
      fc.record(
        {
          name: maybe(name),
          dtype: maybe(
            fc.record({
              class_name: fc.constantFrom('DTypePolicy', 'Other'),
              config: maybe(fc.record({ name: maybe(fc.constantFrom('float32', 'mixed_float16')) })),
            }),
          ),
          batch_shape: maybe(fc.array(fc.option(fc.nat(4), { nil: null }))),
          target_shape: maybe(fc.array(fc.option(fc.nat(4), { nil: null }))),
          layers: maybe(fc.array(json, { maxLength: 2 })),
        },
        { requiredKeys: [] },
      ),
    ),
    inbound_nodes: maybe(fc.array(node, { maxLength: 2 })),
  },
  { requiredKeys: [] },
);
const topology = fc.record(
  {
    model_config: maybe(
      fc.record(
        {
          class_name: maybe(fc.constantFrom('Sequential', 'Model', 'Functional')),
          config: maybe(
            fc.oneof(
              fc.array(layer, { maxLength: 3 }),
              fc.record(
                {
                  layers: maybe(fc.array(layer, { maxLength: 3 })),
                  input_layers: maybe(fc.oneof(triple, fc.array(triple))),
                  output_layers: maybe(fc.oneof(triple, fc.array(triple))),
                },
                { requiredKeys: [] },
              ),
            ),
          ),
        },
        { requiredKeys: [] },
      ),
    ),
    keras_version: maybe(fc.constant('3.8.0')),
  },
  { requiredKeys: [] },
);

describe('normalizeTopology on arbitrary input', () => {
  it('returns a fixed point or throws a loadModel error', () => {
    let normalized = 0;
    fc.assert(
      fc.property(topology, (t) => {
        let out: ReturnType<typeof normalizeTopology>;
        try {
          out = normalizeTopology(t as JsonValue);
        } catch (e) {
          expect(e).toBeInstanceOf(Error);
          expect(e).not.toBeInstanceOf(TypeError);
          expect((e as Error).message).toMatch(/^loadModel: /);
          return;
        }
        expect(normalizeTopology(out)).toEqual(out);
        normalized++;
      }),
      { numRuns: 400, seed: 12 },
    );
    expect(normalized).toBeGreaterThan(20); // the generator reaches the success path often enough
  });
});
