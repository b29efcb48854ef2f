// Whatever a model folder holds, loading it either gives a model that predicts what the clean file predicts
// (or what the mutated file means, with tfjs-layers 4.22 as the second opinion) or throws one plain Error whose
// message names the field: never a TypeError or a thrown non-Error, never a hang, a leak or a change to
// Object.prototype. 2,000+ seeded mutations over dense, conv, recurrent and functional models saved by Neurona
// and by tfjs-layers. FUZZ_SEED=<n> runs another sample; FUZZ_RUNS=<n> a longer one.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../../src/index.js';
import { type SavedModel, savedModels } from './corpus.js';
import { applyCase } from './mutate.js';
import { type Case, caseOf } from './mutations.js';
import {
  type Folder,
  type Outcome,
  outcomeOf,
  type Reference,
  reference,
  stopTfjs,
  tfjsPredicts,
} from './outcome.js';

const SEED = Number(process.env.FUZZ_SEED ?? 1612);
const RUNS = Number(process.env.FUZZ_RUNS ?? 2400);

let models: SavedModel[];
let refs: Reference[];
const folder = (m: SavedModel): Folder => ({ json: new TextEncoder().encode(m.json), weights: m.weights });

beforeAll(async () => {
  await nr.setBackend(cpu({ fast: false }));
  models = await savedModels();
  refs = [];
  for (const m of models) refs.push(await reference(folder(m)));
}, 60_000);
afterAll(stopTfjs);

describe('the loader on mutated model files', () => {
  it('loads each clean file to the model tfjs-layers reads from it', async () => {
    expect(models.map((m) => m.label)).toEqual([
      'neurona dense',
      'neurona conv',
      'neurona recurrent',
      'neurona functional',
      'tfjs dense',
      'tfjs conv',
      'tfjs recurrent',
      'tfjs functional',
    ]);
    for (const [i, m] of models.entries()) {
      expect(await tfjsPredicts(folder(m), refs[i]!), m.label).toBe(true);
    }
  });

  it(`gives a consistent model or a clean error for ${RUNS} mutations (seed ${SEED})`, async () => {
    const counts: Partial<Record<Outcome, number>> = {};
    const ops = new Set<string>();
    await fc.assert(
      fc.asyncProperty(caseOf(models.length), async (c: Case) => {
        const m = models[c.model]!;
        const { outcome, detail } = await outcomeOf(
          applyCase(m.json, m.weights, c.mutations),
          refs[c.model]!,
        );
        counts[outcome] = (counts[outcome] ?? 0) + 1;
        for (const x of c.mutations) ops.add(x.op);
        if (outcome !== 'clean' && outcome !== 'consistent') {
          throw new Error(`${m.label}: ${outcome}: ${detail}`);
        }
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    console.log(`loader fuzz (seed ${SEED}): ${JSON.stringify(counts)}`);
    // The generator reaches both sides: files that still load and files that must be refused, with every kind
    // of mutation.
    expect(counts.clean ?? 0).toBeGreaterThan(RUNS / 2);
    expect(counts.consistent ?? 0).toBeGreaterThan(RUNS / 50);
    expect([...ops].sort()).toEqual(
      [
        'className',
        'deep',
        'delete',
        'manifest',
        'number',
        'protoKey',
        'replace',
        'shape',
        'swap',
        'text',
        'weights',
      ].sort(),
    );
  }, 120_000);
});
