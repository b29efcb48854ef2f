/**
 * The Node side of finding a GPU: the npm package `webgpu` (Dawn), loaded on first use, with SwiftShader's
 * Vulkan driver picked when no other is configured. Only the Node entry imports this file.
 *
 * @packageDocumentation
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { NodePlatform } from './device.js';

/** What to install when Node has no WebGPU package. */
const MODULE_HELP =
  "In Node the backend needs the optional peer dependency 'webgpu' (Dawn): run `npm install webgpu`. Or pass " +
  '{ adapter } / { device } yourself.';

/** What to install when Dawn finds no adapter. */
const ADAPTER_HELP =
  'Without a GPU driver, install Vulkan and the SwiftShader software driver (Debian/Ubuntu: apt-get install ' +
  'chromium-common libvulkan1) and set VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json (done ' +
  'for you when unset and that file exists), or pass { adapter } / { device } yourself.';

/** SwiftShader's Vulkan ICD as Debian's chromium-common installs it. */
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

let nodeGpu: Promise<GPU> | null = null;

/** Dawn's `GPU` object in Node, created once per process. */
function loadNodeGpu(): Promise<GPU> {
  nodeGpu ??= (async () => {
    if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) {
      process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
    }
    let mod: { create(options: string[]): GPU };
    try {
      mod = await import('webgpu');
    } catch (e) {
      throw new Error(`webgpu: cannot load the 'webgpu' package (${(e as Error).message}). ${MODULE_HELP}`);
    }
    return mod.create([]);
  })();
  nodeGpu.catch(() => {
    nodeGpu = null;
  });
  return nodeGpu;
}

/** @internal Dawn, the host's cores and the driver advice, for `setNodePlatform`. */
export const nodePlatform: NodePlatform = {
  gpu: loadNodeGpu,
  cores: () => availableParallelism(),
  adapterHelp: () => ` (VK_ICD_FILENAMES=${process.env.VK_ICD_FILENAMES ?? 'unset'}). ${ADAPTER_HELP}`,
};
