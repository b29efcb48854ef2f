#!/usr/bin/env node
// Re-measures issue 16's figures from the repository root: `node packages/core/test/fuzz/run-measure.mjs
// [--mutations 3600] [--seed 16] [--only mutations|kills|inputs]` (or `npm run measure:reliability -- ...`).
//  - mutations: bundles measure-reliability.ts (TypeScript sources, `@neurona/source` condition) and runs it,
//    counting a case that never returns as a hang and going on after it in a new process;
//  - kills: runs the atomic-save kill test and reads its old / new / mixed line;
//  - inputs: runs the bad-input table with vitest's JSON reporter and sorts every case into clear error
//    (the test passed), no error (it failed on "no error was thrown") or vague error (it failed otherwise).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../../..');
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : null;
const passOn = args.filter((_, i) => args[i] !== '--only' && args[i - 1] !== '--only');
const cache = join(root, 'node_modules', '.cache', 'neurona-measure');
mkdirSync(cache, { recursive: true });
const summary = {};

function vitest(files, extra = []) {
  return spawnSync(
    process.execPath,
    [join(root, 'node_modules/vitest/vitest.mjs'), 'run', ...files, ...extra],
    {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    },
  );
}

/** Run the bundled mutation measurement from case `from`; resolves with the case it stopped at (or null). */
function runMutations(out, from, onCase, stallMs) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [out, ...passOn, '--from', String(from)], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, NEURONA_TFJS_ORACLE: join(here, 'tfjs-oracle.mjs') },
    });
    let started = null;
    let buffer = '';
    let timer = null;
    const watch = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve(started);
      }, stallMs);
    };
    watch();
    child.stdout.on('data', (d) => {
      buffer += d;
      const lines = buffer.split('\n');
      buffer = lines.pop();
      for (const line of lines) {
        const s = /^START (\d+) (.*)$/.exec(line);
        if (s) {
          started = { k: +s[1], what: s[2] };
          watch();
        }
        const c = /^CASE (\d+) (\w+) (.*)$/.exec(line);
        if (c) {
          started = null;
          onCase(c[2], c[3]);
        }
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') return;
      if (code !== 0) reject(new Error(`measure-reliability failed (exit ${code})`));
      else resolve(null);
    });
  });
}

if (!only || only === 'mutations') {
  const out = join(cache, 'measure-reliability.mjs');
  // NEURONA_MEASURE_ROOT=<a copy of the sources> measures that copy's loader (e.g. before a change), with this
  // folder's harness files copied into its packages/core/test/fuzz.
  const srcRoot = process.env.NEURONA_MEASURE_ROOT ?? root;
  await build({
    entryPoints: [join(srcRoot, 'packages/core/test/fuzz/measure-reliability.ts')],
    alias: { '@neurona/core': join(srcRoot, 'packages/core/src/index.ts') },
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    conditions: ['@neurona/source'],
    // Our packages from their sources (one copy of the engine); every other package from node_modules.
    plugins: [
      {
        name: 'external-deps',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (a) =>
            a.path.startsWith('@neurona/') ? null : { external: true },
          );
        },
      },
    ],
    logLevel: 'warning',
  });
  const order = [
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
  const counts = Object.fromEntries(order.map((o) => [o, 0]));
  const examples = Object.fromEntries(order.map((o) => [o, []]));
  const onCase = (outcome, text) => {
    counts[outcome]++;
    if (examples[outcome].length < 3) examples[outcome].push(text);
  };
  // A case that has not returned after 20 s (the measurement's own hang limit is 5 s) is a hang: count it
  // as a hang and go on after it in a new process.
  let from = 0;
  for (;;) {
    const stuck = await runMutations(out, from, onCase, 20_000);
    if (!stuck) break;
    onCase('hang', `${stuck.what} -> no answer within 20 s`);
    from = stuck.k + 1;
  }
  const runs = order.reduce((n, o) => n + counts[o], 0);
  console.log(`mutations: ${runs}`);
  for (const o of order) console.log(`  ${o.padEnd(14)} ${String(counts[o]).padStart(6)}`);
  for (const o of order) for (const e of examples[o]) console.log(`  [${o}] ${e}`);
  summary.mutations = { runs, ...counts };
}

if (!only || only === 'kills') {
  const r = vitest(['packages/core/src/node/atomic-save.test.ts']);
  const m = /atomic save: (\d+) kills .*: old (\d+) \/ new (\d+) \/ mixed (\d+)/.exec(r.stdout);
  if (!m) throw new Error(`the kill test printed no figures (exit ${r.status}):\n${r.stdout.slice(-2000)}`);
  summary.kills = { kills: +m[1], old: +m[2], new: +m[3], mixed: +m[4] };
  console.log(`kills: ${m[1]} kills during a save: old ${m[2]} / new ${m[3]} / mixed ${m[4]}`);
}

if (!only || only === 'inputs') {
  const file = join(cache, 'bad-input.json');
  rmSync(file, { force: true });
  vitest(['packages/core/src/training/bad-input.test.ts'], ['--reporter=json', `--outputFile=${file}`]);
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const tally = { clear: 0, vague: 0, noError: 0 };
  const notes = [];
  for (const t of report.testResults.flatMap((f) => f.assertionResults)) {
    if (!t.ancestorTitles.some((a) => a.startsWith('bad input to'))) continue; // the coverage check, not a case
    if (t.status === 'passed') tally.clear++;
    else {
      const msg = (t.failureMessages ?? []).join(' ');
      const k = msg.includes('no error was thrown') ? 'noError' : 'vague';
      tally[k]++;
      notes.push(`  [${k}] ${t.fullName}: ${msg.split('\n')[0].slice(0, 200)}`);
    }
  }
  summary.inputs = { cases: tally.clear + tally.vague + tally.noError, ...tally };
  console.log(
    `bad inputs: ${summary.inputs.cases} cases: clear ${tally.clear} / vague ${tally.vague} / no error ${tally.noError}`,
  );
  for (const n of notes) console.log(n);
}

console.log(JSON.stringify(summary));
