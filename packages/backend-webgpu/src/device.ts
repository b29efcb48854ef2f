/**
 * Finding a GPU: `navigator.gpu` in browsers; in Node the npm package `webgpu` (Dawn), loaded by dynamic
 * import only there, with SwiftShader's Vulkan driver picked when no other is configured.
 *
 * @packageDocumentation
 */

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

/**
 * Options of `acquireDevice` (and of the backend factory).
 *
 * @example
 * ```ts
 * const opts: DeviceOptions = { adapter: await navigator.gpu.requestAdapter() ?? undefined };
 * ```
 */
export interface DeviceOptions {
  /** Use this adapter (a device is requested from it). */
  readonly adapter?: GPUAdapter;
  /** Use this device as is (the backend does not destroy it). */
  readonly device?: GPUDevice;
}

/**
 * A device and what must stay referenced while it is used: in Node, Dawn's `GPU` object (when it is
 * garbage collected, pending work never completes).
 *
 * @example
 * ```ts
 * const { device } = await acquireDevice({});
 * ```
 */
export interface AcquiredDevice {
  readonly device: GPUDevice;
  readonly adapter: GPUAdapter | null;
  /** True when the device was created here (and may be destroyed with the backend). */
  readonly owned: boolean;
  readonly keepAlive: unknown;
}

let nodeGpu: Promise<GPU> | null = null;

const isNode = (): boolean =>
  typeof process !== 'undefined' && typeof process.versions === 'object' && !!process.versions.node;

/** Dawn's `GPU` object in Node, created once per process. */
function loadNodeGpu(): Promise<GPU> {
  nodeGpu ??= (async () => {
    if (!process.env.VK_ICD_FILENAMES) {
      const fs = await import('node:fs');
      if (fs.existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
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

/** The platform's `GPU`: `navigator.gpu` when present, else Dawn in Node. */
async function platformGpu(): Promise<GPU> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return nav.gpu;
  if (isNode()) return loadNodeGpu();
  throw new Error(
    'webgpu: this environment has no WebGPU (navigator.gpu is missing). Use a browser with WebGPU enabled ' +
      '(Chrome/Edge 113+, or Chromium with --enable-unsafe-webgpu), or Node with the webgpu package.',
  );
}

/**
 * Get a device: the one given, or one from the given adapter, or from the platform's default adapter.
 * Raises the storage-buffer limits to what the adapter allows.
 *
 * @example
 * ```ts
 * const { device } = await acquireDevice({});
 * ```
 */
export async function acquireDevice(options: DeviceOptions): Promise<AcquiredDevice> {
  if (options.device) return { device: options.device, adapter: null, owned: false, keepAlive: null };
  let gpu: GPU | null = null;
  let adapter = options.adapter ?? null;
  if (!adapter) {
    gpu = await platformGpu();
    adapter = await gpu.requestAdapter();
    if (!adapter) {
      throw new Error(
        `webgpu: no GPU adapter found${isNode() ? ` (VK_ICD_FILENAMES=${process.env.VK_ICD_FILENAMES ?? 'unset'})` : ''}. ${isNode() ? ADAPTER_HELP : 'Enable WebGPU in this browser (chrome://flags, or --enable-unsafe-webgpu).'}`,
      );
    }
  }
  const l = adapter.limits;
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxBufferSize: l.maxBufferSize,
    },
  });
  return { device, adapter, owned: true, keepAlive: gpu };
}

/**
 * Logical CPU cores of the host (what an emulated GPU runs on): `navigator.hardwareConcurrency`, or
 * `os.availableParallelism()` in Node; 4 when neither is known.
 *
 * @example
 * ```ts
 * const n = await hostCores(); // e.g. 8
 * ```
 */
export async function hostCores(): Promise<number> {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  if (nav?.hardwareConcurrency) return nav.hardwareConcurrency;
  if (isNode()) {
    const os = await import('node:os');
    return os.availableParallelism();
  }
  return 4;
}
