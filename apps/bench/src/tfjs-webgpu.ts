/**
 * Loading `@tensorflow/tfjs-backend-webgpu` 4.22 in Node, on the same Dawn adapter as the `neurona-webgpu`
 * column: npm `webgpu` (Dawn), with SwiftShader as the Vulkan driver when `VK_ICD_FILENAMES` is unset and
 * Chromium's SwiftShader ICD is installed (as `@neurona/backend-webgpu` does).
 *
 * tfjs-backend-webgpu expects a browser: it reads `GPUBufferUsage`, `GPUMapMode` & co. as globals and takes
 * its adapter from `navigator.gpu`. We install Dawn's globals and a `navigator` with Dawn's `gpu` before
 * importing it. (Its Node bundle and tfjs-core's share one engine; tfjs-layers' Node bundle registers
 * tfjs's gradient functions, so no ESM hooks are needed here, unlike for
 * packages/backend-webgpu/scripts/bench-speed.mjs, which trains without tfjs-layers.)
 */
import { existsSync } from 'node:fs';

/** Chromium's SwiftShader Vulkan driver (an emulated GPU on the CPU). */
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

interface DawnModule {
  create(options: string[]): {
    requestAdapter(): Promise<{ info?: Record<string, unknown> } | null>;
  };
  globals: Record<string, unknown>;
}

let loaded: Promise<Record<string, string>> | null = null;

/**
 * Make `tf.setBackend('webgpu')` work in this Node process (once per process); resolves to facts about the
 * adapter for the report. Throws a clear error when npm `webgpu` cannot be loaded or finds no adapter.
 *
 * @example
 * ```ts
 * const facts = await loadTfjsWebgpu(); // { adapter: 'SwiftShader Device (Subzero) ...', icd: '...' }
 * await tf.setBackend('webgpu');
 * ```
 */
export function loadTfjsWebgpu(): Promise<Record<string, string>> {
  loaded ??= (async () => {
    if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD))
      process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
    let dawn: DawnModule;
    try {
      dawn = (await import('webgpu')) as unknown as DawnModule;
    } catch (e) {
      throw new Error(
        `tfjs-webgpu: cannot load the 'webgpu' package (Dawn for Node): ${(e as Error).message}`,
      );
    }
    Object.assign(globalThis, dawn.globals);
    const gpu = dawn.create([]);
    const adapter = await gpu.requestAdapter();
    if (!adapter) {
      throw new Error(
        `tfjs-webgpu: no GPU adapter found (VK_ICD_FILENAMES=${process.env.VK_ICD_FILENAMES ?? 'unset'}); ` +
          `install chromium-common and libvulkan1 for SwiftShader`,
      );
    }
    // Node 20 has no navigator; Node 21+ has one without gpu.
    const nav = (globalThis as { navigator?: object }).navigator;
    if (nav) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
    else
      Object.defineProperty(globalThis, 'navigator', {
        value: { gpu, userAgent: 'node' },
        configurable: true,
      });
    await import('@tensorflow/tfjs-backend-webgpu');
    const info = adapter.info ?? {};
    const text = ['vendor', 'architecture', 'device', 'description']
      .map((k) => info[k])
      .filter((v) => typeof v === 'string' && v.length > 0)
      .join(' / ');
    return { adapter: text || 'unknown', icd: process.env.VK_ICD_FILENAMES ?? 'default' };
  })();
  return loaded;
}
