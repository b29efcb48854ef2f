/**
 * Measures the loader part of issue 16's figures: `--mutations N` (default 3,600, as in the issue) seeded
 * mutations of the fuzz corpus (dense, conv, recurrent and functional models saved by Neurona and by
 * tfjs-layers 4.22), each loaded and sorted into clean error / vague error / ugly error / consistent load /
 * silently wrong load / load that cannot run / hang (> 5 s) / tensor leak / Object.prototype change. Prints a
 * table and one JSON line. Run through `run-measure.mjs` (`npm run measure:reliability`), which bundles it and
 * adds the kill test's and the bad-input table's figures.
 */
import fc from 'fast-check';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../../src/index.js';
import { savedModels } from './corpus.js';
import { applyCase } from './mutate.js';
import { caseOf } from './mutations.js';
import { type Outcome, outcomeOf, type Reference, reference, stopTfjs } from './outcome.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};

const ORDER: Outcome[] = [
  'clean',
  'vague',
  'ugly',
  'consistent',
  'silentlyWrong',
  'cannotRun',
  'hang',
  'leak',
  'pollution',
];

async function main(): Promise<void> {
  const runs = arg('mutations', 3600);
  const seed = arg('seed', 16);
  const show = arg('show', 3);
  await nr.setBackend(cpu({ fast: false }));
  const models = await savedModels();
  const refs: Reference[] = [];
  for (const m of models)
    refs.push(await reference({ json: new TextEncoder().encode(m.json), weights: m.weights }));
  const counts = Object.fromEntries(ORDER.map((o) => [o, 0])) as Record<Outcome, number>;
  const examples = new Map<Outcome, string[]>();
  const byModel = new Map<string, number>();
  for (const c of fc.sample(caseOf(models.length), { numRuns: runs, seed })) {
    const m = models[c.model]!;
    if (process.env.MEASURE_TRACE) process.stderr.write(`${m.label} ${JSON.stringify(c.mutations)}\n`);
    const { outcome, detail } = await outcomeOf(applyCase(m.json, m.weights, c.mutations), refs[c.model]!);
    counts[outcome]++;
    byModel.set(m.label, (byModel.get(m.label) ?? 0) + 1);
    const list = examples.get(outcome) ?? [];
    if (list.length < show)
      list.push(`${m.label} ${JSON.stringify(c.mutations).slice(0, 160)} -> ${detail.slice(0, 240)}`);
    examples.set(outcome, list);
  }
  console.log(
    `mutations: ${runs} (seed ${seed}) over ${[...byModel].map(([k, v]) => `${k} ${v}`).join(', ')}`,
  );
  for (const o of ORDER) console.log(`  ${o.padEnd(14)} ${String(counts[o]).padStart(6)}`);
  for (const o of ORDER) {
    if (o === 'consistent') continue;
    for (const e of examples.get(o) ?? []) console.log(`  [${o}] ${e}`);
  }
  console.log(`MUTATIONS ${JSON.stringify({ runs, seed, ...counts })}`);
  stopTfjs();
}

await main();
