import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModelArtifacts } from '../io/types.js';
import { fileSystem } from './file.js';

/** Weight shapes of the test model: about 6 MB of float32. */
const SHAPES = [[1024, 1024], [1024], [1024, 512], [512]];

/**
 * Version `v` of the model: the topology carries its version in the model name, and every weight value is a
 * function of (version, weight, index), so each loaded weight says which save it came from.
 * (Its source is also run by the child process: keep it self-contained.)
 */
function makeArtifacts(v: number, shapes: number[][]): ModelArtifacts {
  const specs = shapes.map((shape, k) => ({ name: `dense/w${k}`, shape, dtype: 'float32' as const }));
  const sizes = shapes.map((s) => s.reduce((a, b) => a * b, 1));
  const data = new Float32Array(sizes.reduce((a, b) => a + b, 0));
  let o = 0;
  sizes.forEach((n, k) => {
    for (let i = 0; i < n; i++) data[o + i] = v * 1000 + k * 10 + (i % 9973) / 9973;
    o += n;
  });
  return {
    modelTopology: { class_name: 'Sequential', config: { name: `version-${v}`, layers: [] } },
    weightSpecs: specs,
    weightData: data.buffer,
    format: 'layers-model',
  };
}

/** Which version a loaded folder holds: 'old' (1), 'new' (2) or 'mixed' (anything else), weight by weight. */
function classify(a: ModelArtifacts): 'old' | 'new' | 'mixed' {
  const name = (a.modelTopology.config as { name?: unknown } | undefined)?.name;
  const all = new Float32Array(a.weightData);
  for (const v of [1, 2]) {
    if (name !== `version-${v}`) continue;
    const want = new Float32Array(makeArtifacts(v, SHAPES).weightData);
    if (a.weightSpecs.length !== SHAPES.length || all.length !== want.length) return 'mixed';
    let ok = true;
    for (let i = 0; i < want.length && ok; i++) ok = all[i] === want[i];
    if (ok) return v === 1 ? 'old' : 'new';
  }
  return 'mixed';
}

const work = mkdtempSync(join(tmpdir(), 'neurona-atomic-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Bundle a child program that saves version 2 over the folder given as argv[2], saying "start" first. */
async function childScript(): Promise<string> {
  const fileTs = fileURLToPath(new URL('./file.ts', import.meta.url));
  const contents = `
import { fileSystem } from ${JSON.stringify(fileTs)};
${makeArtifacts.toString()}
const artifacts = makeArtifacts(2, ${JSON.stringify(SHAPES)});
process.stdout.write('start\\n');
await fileSystem(process.argv[2]).save(artifacts);
process.stdout.write('done\\n');
`;
  const out = await build({
    stdin: { contents, resolveDir: work, loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    write: false,
    logLevel: 'silent',
  });
  const path = join(work, 'child.mjs');
  writeFileSync(path, out.outputFiles[0]!.text);
  return path;
}

/** Run the child; kill it `delayMs` after it says "start" (never when `delayMs` is null). Resolves on exit. */
function runChild(script: string, dir: string, delayMs: number | null): Promise<{ ms: number }> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [script, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let started = 0;
    let err = '';
    child.stderr!.on('data', (d) => {
      err += d;
    });
    child.stdout!.on('data', (d: Buffer) => {
      if (!started && d.toString().includes('start')) {
        started = performance.now();
        if (delayMs !== null) setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code !== 0 && signal !== 'SIGKILL') reject(new Error(`child failed (${code}): ${err}`));
      else resolve({ ms: started ? performance.now() - started : 0 });
    });
  });
}

describe('atomic saves (file handler)', () => {
  it('a save killed at any point leaves exactly the old or the new model, weight by weight', async () => {
    const script = await childScript();
    const dir = join(work, 'model');
    const handler = fileSystem(dir);
    await handler.save!(makeArtifacts(1, SHAPES));
    // One uninterrupted run gives the length of the window to aim the kills at.
    const { ms } = await runChild(script, dir, null);
    expect(classify(await handler.load!())).toBe('new');

    const counts = { old: 0, new: 0, mixed: 0 };
    const KILLS = 36;
    for (let i = 0; i < KILLS; i++) {
      // The in-process save restores version 1 and must clean whatever the last kill left behind.
      await handler.save!(makeArtifacts(1, SHAPES));
      const files = readdirSync(dir);
      expect(files).toHaveLength(2);
      expect(files).toContain('model.json');
      await runChild(script, dir, (i / (KILLS - 1)) * 1.3 * ms);
      counts[classify(await fileSystem(dir).load!())]++;
    }
    console.log(
      `atomic save: ${KILLS} kills over a ${ms.toFixed(0)} ms save window: old ${counts.old} / new ${counts.new} / mixed ${counts.mixed}`,
    );
    expect(counts.mixed).toBe(0);
    expect(counts.old + counts.new).toBe(KILLS);
    // The kills really landed on both sides of the switch.
    expect(counts.old).toBeGreaterThan(0);
    expect(counts.new).toBeGreaterThan(0);
  }, 180_000);

  it('cleans temporary files and unreachable weights on the next save, and keeps foreign files', async () => {
    const dir = join(work, 'strays');
    const handler = fileSystem(dir);
    await handler.save!(makeArtifacts(1, SHAPES));
    writeFileSync(join(dir, '.neurona-0123456789ab.tmp'), 'half a save');
    writeFileSync(join(dir, '.abcdefabcdef.tmp'), 'an older half save');
    writeFileSync(join(dir, 'weights-00000000deadbeef.bin'), 'weights of a save that never switched');
    writeFileSync(join(dir, 'notes.txt'), 'the user keeps this');
    await handler.save!(makeArtifacts(2, SHAPES));
    const files = readdirSync(dir).sort();
    expect(files).toHaveLength(3);
    expect(files).toContain('model.json');
    expect(files).toContain('notes.txt');
    expect(files.filter((f) => /^weights-[0-9a-f]{16}\.bin$/.test(f))).toHaveLength(1);
    expect(classify(await handler.load!())).toBe('new');
  });

  it('overwriting a folder saved with another weights file name removes that file after the switch', async () => {
    const dir = join(work, 'legacy');
    const a = makeArtifacts(1, SHAPES);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'weights.bin'), new Uint8Array(a.weightData));
    writeFileSync(
      join(dir, 'model.json'),
      JSON.stringify({
        modelTopology: a.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
      }),
    );
    expect(classify(await fileSystem(dir).load!())).toBe('old');
    await fileSystem(dir).save!(makeArtifacts(2, SHAPES));
    expect(readdirSync(dir)).not.toContain('weights.bin');
    expect(classify(await fileSystem(dir).load!())).toBe('new');
  });

  it('a save that fails leaves the old model loadable', async () => {
    const dir = join(work, 'failing');
    const handler = fileSystem(dir);
    await handler.save!(makeArtifacts(1, SHAPES));
    // A folder where the new model.json must go makes the switch fail after the new weights were written.
    const bad = makeArtifacts(2, SHAPES);
    renameSync(join(dir, 'model.json'), join(dir, 'model.json.keep'));
    mkdirSync(join(dir, 'model.json'));
    writeFileSync(join(dir, 'model.json', 'x'), 'block the rename');
    await expect(handler.save!(bad)).rejects.toThrow();
    rmSync(join(dir, 'model.json'), { recursive: true });
    renameSync(join(dir, 'model.json.keep'), join(dir, 'model.json'));
    expect(classify(await handler.load!())).toBe('old');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
