/**
 * The mutation part of issue 16's figures: `--mutations N` (default 3,600, as in the issue) seeded mutations
 * of the fuzz corpus (dense, conv, recurrent and functional models saved by Neurona and by tfjs-layers 4.22),
 * from case `--from K` on, each loaded and sorted into clean error / vague error / ugly error / consistent
 * load / silently wrong load / load that cannot run / hang (> 5 s) / tensor leak / Object.prototype change.
 * Prints one `CASE <k> <outcome> <model> <mutations> -> <detail>` line per case (before starting the next),
 * so `run-measure.mjs`, which bundles and runs it, can count a case that never returns as a hang, end the
 * process and go on after it.
 */
import fc from 'fast-check';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../../src/index.js';
import { savedModels } from './corpus.js';
import { applyCase } from './mutate.js';
import { caseOf } from './mutations.js';
import { outcomeOf, type Reference, reference, stopTfjs } from './outcome.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};

async function main(): Promise<void> {
  const runs = arg('mutations', 3600);
  const seed = arg('seed', 16);
  const from = arg('from', 0);
  await nr.setBackend(cpu({ fast: false }));
  const models = await savedModels();
  const refs: Reference[] = [];
  for (const m of models)
    refs.push(await reference({ json: new TextEncoder().encode(m.json), weights: m.weights }));
  const cases = fc.sample(caseOf(models.length), { numRuns: runs, seed });
  for (let k = from; k < cases.length; k++) {
    const c = cases[k]!;
    const m = models[c.model]!;
    const what = `${m.label} ${JSON.stringify(c.mutations).slice(0, 160)}`;
    process.stdout.write(`START ${k} ${what}\n`);
    const { outcome, detail } = await outcomeOf(applyCase(m.json, m.weights, c.mutations), refs[c.model]!);
    process.stdout.write(`CASE ${k} ${outcome} ${what} -> ${detail.replace(/\s+/g, ' ').slice(0, 240)}\n`);
  }
  stopTfjs();
}

await main();
