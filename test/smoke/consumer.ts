/**
 * The smoke test's consumer project: pack every public package once (through `scripts/release-dry.mjs`),
 * install the tarballs into a fresh folder outside the workspace (no workspace links; the registry packages
 * come from npm's cache), with the example of `example/` as its sources, and helpers to run its tools.
 *
 * @example
 * ```ts
 * const app = await createConsumer();
 * run(process.execPath, ['dist/node.js', 'cpu', '/tmp/m'], app.dir);
 * ```
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root. */
export const ROOT = resolve(here, '../..');

/** One packed tarball, as `release-dry.mjs --json` reports it. */
export interface Packed {
  /** The package name. */
  readonly name: string;
  /** Absolute path of the `.tgz`. */
  readonly tarball: string;
  /** Bytes of the tarball, and of its files unpacked. */
  readonly size: number;
  readonly unpackedSize: number;
  /** Paths inside the package. */
  readonly files: string[];
}

/** The installed consumer project. */
export interface Consumer {
  /** Its folder (outside the workspace). */
  readonly dir: string;
  /** What was packed. */
  readonly packed: Packed[];
}

/** Versions installed next to the tarballs, from npm's cache. */
const EXTRAS = ['webgpu@0.6.2', '@types/node@20', 'typescript@7.0.2'];

/** This process's environment without npm's `npm_*` variables (set by `npm test`, they would point a nested
 * npm at the workspace). */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
}

/** Run a command; returns its stdout, throws with its output when it fails. */
export function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  try {
    return execFileSync(cmd, args, {
      cwd,
      encoding: 'utf8',
      env: { ...cleanEnv(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${cmd} ${args.join(' ')} failed: ${err.message}\n${err.stdout ?? ''}\n${err.stderr ?? ''}`,
    );
  }
}

/** Pack, create and install the consumer project. */
export function createConsumer(): Consumer {
  const base = mkdtempSync(join(tmpdir(), 'neurona-smoke-'));
  const packed = JSON.parse(
    run(
      process.execPath,
      ['scripts/release-dry.mjs', '--out', join(base, 'tarballs'), '--no-readme', '--json'],
      ROOT,
    ),
  ) as Packed[];
  const dir = join(base, 'app');
  mkdirSync(dir);
  cpSync(join(here, 'example'), join(dir, 'src'), { recursive: true });
  const pkg = { name: 'neurona-smoke-app', private: true, type: 'module', allowScripts: { webgpu: true } };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', ...packed.map((p) => p.tarball), ...EXTRAS],
    dir,
  );
  return { dir, packed };
}
