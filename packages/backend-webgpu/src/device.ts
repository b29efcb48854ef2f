/**
 * Finding a GPU: `navigator.gpu` in browsers; in Node the npm package `webgpu` (Dawn), which only the Node
 * entry (`index.node.ts`, the `node` export condition) loads, through `device-node.ts`.
 *
 * @packageDocumentation
 */

/**
 * What Node adds (registered by this package's Node entry, `index.node.ts`): Dawn's `GPU` and the core count.
 *
 * @internal
 */
export interface NodePlatform {
  gpu(): Promise<GPU>;
  cores(): number;
  /** Extra words for the no-adapter error (which driver to install). */
  adapterHelp(): string;
}

let nodePlatform: NodePlatform | null = null;

/** @internal Called by the Node entry. */
export function setNodePlatform(p: NodePlatform): void {
  nodePlatform = p;
}

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

const isNode = (): boolean =>
  typeof process !== 'undefined' && typeof process.versions === 'object' && !!process.versions.node;

/** The platform's `GPU`: `navigator.gpu` when present, else Dawn in Node. */
async function platformGpu(): Promise<GPU> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return nav.gpu;
  if (nodePlatform) return nodePlatform.gpu();
  if (isNode()) {
    throw new Error(
      "webgpu: this is the browser build of @neurona/backend-webgpu running in Node; import it under Node's " +
        "'node' export condition (plain `import '@neurona/backend-webgpu'` in Node) to use Dawn",
    );
  }
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
        `webgpu: no GPU adapter found${nodePlatform ? nodePlatform.adapterHelp() : '. Enable WebGPU in this browser (chrome://flags, or --enable-unsafe-webgpu).'}`,
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
  return nodePlatform?.cores() ?? 4;
}
