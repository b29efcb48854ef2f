/**
 * The pending changesets make a release plan: `changeset version` would run. A changeset that names an
 * ignored workspace (the apps, the bench, the conformance suite) together with a published package makes
 * `changeset status` and `changeset version` fail, which nothing else in the tests would notice.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface ReleasePlan {
  readonly changesets: readonly { readonly id: string }[];
  readonly releases: readonly { readonly name: string; readonly type: string }[];
}

it('every pending changeset fits the changesets config (the release plan builds)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'neurona-changesets-'));
  try {
    const out = join(dir, 'plan.json');
    const bin = join(root, 'node_modules', '@changesets', 'cli', 'bin.js');
    try {
      execFileSync(process.execPath, [bin, 'status', '--output', out], { cwd: root, stdio: 'pipe' });
    } catch (e) {
      const err = e as { stdout?: Buffer; stderr?: Buffer };
      throw new Error(`changeset status failed:\n${String(err.stdout ?? '')}${String(err.stderr ?? '')}`);
    }
    const plan = JSON.parse(readFileSync(out, 'utf8')) as ReleasePlan;
    const pending = readdirMd();
    expect(plan.changesets.map((c) => c.id).sort()).toEqual(pending);
    // The published packages move together (the `fixed` group of .changeset/config.json).
    const fixed = [
      '@neurona/backend-cpu',
      '@neurona/backend-wasm',
      '@neurona/backend-webgpu',
      '@neurona/core',
    ];
    if (plan.releases.length > 0) {
      const types = new Set(plan.releases.filter((r) => fixed.includes(r.name)).map((r) => r.type));
      expect(types.size).toBe(1);
      expect(
        plan.releases
          .map((r) => r.name)
          .filter((n) => fixed.includes(n))
          .sort(),
      ).toEqual(fixed);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Ids of the changeset files in .changeset/ (file names without `.md`, the README excluded). */
function readdirMd(): string[] {
  return readdirSync(join(root, '.changeset'))
    .filter((f) => f.endsWith('.md') && f !== 'README.md')
    .map((f) => f.slice(0, -3))
    .sort();
}
