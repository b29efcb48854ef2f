/**
 * The one place tests ask for a system capability (Chromium, a WebGPU adapter, the shared model corpus,
 * python3-torch).
 * A capability is probed once per test process. When it is missing the test is skipped and the reason with
 * the install command is printed once per run; when the env var `CI` is set, a missing capability is an error
 * instead (CI must run everything). `NEURONA_TEST_WITHOUT=webgpu,chromium` pretends capabilities are missing,
 * to check what a fresh machine sees.
 *
 * Use it at the top of a test file, then skip the file's suites with it:
 *
 * ```ts
 * import { requireCapability } from '../../../test-utils/capabilities.js';
 * const gpu = await requireCapability('webgpu', 'backend-webgpu kernel tests');
 * describe.runIf(gpu)('gemm on webgpu', () => { ... });
 * ```
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Capabilities a test may need. */
export type CapabilityName = 'chromium' | 'webgpu' | 'sharedModels' | 'torch';

/** Whether a capability is present, and if not why and what to install. */
export interface CapabilityStatus {
  readonly name: CapabilityName;
  readonly available: boolean;
  /** Why it is missing ('' when available). */
  readonly reason: string;
  /** The command (or step) that provides it. */
  readonly install: string;
}

/** Chromium as Debian installs it (the path the browser tests launch). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/**
 * The flags every browser test launches Chromium with: WebGPU on, and none of the background connections this
 * machine's closed network refuses; no sandbox when running as root.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--enable-unsafe-webgpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
];
/** SwiftShader's Vulkan driver as Debian's chromium-common installs it. */
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
/** The shared model corpus of the real-model tests. */
export const SHARED_MODELS = process.env.NEURONA_SHARED_MODELS ?? '/work/shared/models';

const INSTALL: Record<CapabilityName, string> = {
  chromium: 'apt-get install chromium (Debian/Ubuntu), or set CHROMIUM_PATH to a Chromium with WebGPU',
  webgpu:
    'apt-get install chromium-common libvulkan1 (SwiftShader Vulkan driver, used through VK_ICD_FILENAMES) and npm install webgpu',
  torch: 'apt-get install python3-torch libopenblas0-pthread',
  sharedModels: `put the model corpus in ${SHARED_MODELS} (or set NEURONA_SHARED_MODELS to its folder)`,
};

async function probeWebGpu(): Promise<string> {
  if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD))
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  let mod: { create(options: string[]): { requestAdapter(): Promise<unknown> } };
  try {
    mod = (await import('webgpu')) as unknown as typeof mod;
  } catch (e) {
    return `the npm package 'webgpu' (Dawn) cannot be loaded: ${(e as Error).message.split('\n')[0]}`;
  }
  try {
    const adapter = await mod.create([]).requestAdapter();
    return adapter
      ? ''
      : `Dawn found no GPU adapter (VK_ICD_FILENAMES=${process.env.VK_ICD_FILENAMES ?? 'unset'})`;
  } catch (e) {
    return `Dawn failed to start: ${(e as Error).message.split('\n')[0]}`;
  }
}

function probeTorch(): string {
  const tried: string[] = [];
  for (const python of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8', timeout: 60_000 });
    if (r.status === 0) return '';
    tried.push(
      `${python}: ${r.error ? r.error.message : (r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`)}`,
    );
  }
  return `no Python imports torch (${tried.join('; ')})`;
}

async function probe(name: CapabilityName): Promise<string> {
  const pretend = (process.env.NEURONA_TEST_WITHOUT ?? '').split(',').map((s) => s.trim());
  if (pretend.includes(name))
    return `pretended missing (NEURONA_TEST_WITHOUT=${process.env.NEURONA_TEST_WITHOUT})`;
  if (name === 'chromium') return existsSync(CHROMIUM_PATH) ? '' : `${CHROMIUM_PATH} is missing`;
  if (name === 'sharedModels') return existsSync(SHARED_MODELS) ? '' : `${SHARED_MODELS} is missing`;
  if (name === 'torch') return probeTorch();
  return probeWebGpu();
}

const cache = new Map<CapabilityName, Promise<CapabilityStatus>>();

/**
 * Probe a capability (once per process).
 *
 * @example
 * ```ts
 * const { available, reason } = await checkCapability('chromium');
 * ```
 */
export function checkCapability(name: CapabilityName): Promise<CapabilityStatus> {
  let p = cache.get(name);
  if (!p) {
    p = probe(name).then((reason) => ({ name, available: reason === '', reason, install: INSTALL[name] }));
    cache.set(name, p);
  }
  return p;
}

/** Print the skip notice once per test run (test files run in separate workers of one vitest process). */
function noticeOnce(s: CapabilityStatus): void {
  const marker = join(tmpdir(), `neurona-skip-${s.name}-${process.ppid}`);
  try {
    writeFileSync(marker, '', { flag: 'wx' });
  } catch {
    return; // already printed in this run
  }
  console.warn(
    `[skipped] tests needing ${s.name}: ${s.reason}. To run them: ${s.install}. (With CI set, a missing ${s.name} fails the run.)`,
  );
}

/**
 * True when the capability is present. When it is missing: throws if `CI` is set, else prints the reason and
 * the install command (once per run) and returns false, so the caller skips its suites with
 * `describe.runIf(ok)`.
 *
 * @example
 * ```ts
 * const ok = await requireCapability('chromium', 'browser test');
 * describe.runIf(ok)('in Chromium', () => { ... });
 * ```
 */
export async function requireCapability(name: CapabilityName, what: string): Promise<boolean> {
  const s = await checkCapability(name);
  if (s.available) return true;
  if (process.env.CI) {
    throw new Error(`${what} needs ${name}, which is missing here (${s.reason}); install: ${s.install}`);
  }
  noticeOnce(s);
  return false;
}
