/**
 * The command runtime: one open command encoder (and compute pass) that collects every dispatch until
 * data is read back or the batch reaches its limit, a pipeline cache keyed by shader and shape class,
 * per-dispatch uniform slots packed into a few buffers written once per submit, and async readback
 * through pooled staging buffers.
 *
 * @packageDocumentation
 */
import { BufferPool, bucketSize, MAP_READ, USAGE } from './buffers.js';
import { type Params, WG } from './wgsl.js';

/**
 * One kernel launch.
 *
 * @example
 * ```ts
 * rt.run({ key: 'unary:exp:f32', source: () => wgsl, params, inputs: [x], output: y, workgroups: [4, 1, 1] });
 * ```
 */
export interface Dispatch {
  /** Pipeline cache key: identifies the shader text (op, dtypes, rank, tile shape...), not the sizes. */
  readonly key: string;
  /** The WGSL source, built only when `key` is not cached yet. */
  readonly source: () => string;
  readonly params: Params;
  /** Bound at 1..n, read-only. */
  readonly inputs: readonly GPUBuffer[];
  /** Bound at n+1, read-write. */
  readonly output: GPUBuffer;
  readonly workgroups: readonly [number, number, number];
}

/** Bytes of each uniform buffer holding the params of many dispatches. */
const UNIFORM_CHUNK = 1 << 16;

interface UniformChunk {
  readonly buffer: GPUBuffer;
  readonly view: DataView;
}

/**
 * Records dispatches and copies into one command encoder and submits them in batches.
 *
 * @example
 * ```ts
 * const rt = new Runtime(device);
 * rt.run(dispatch);
 * const bytes = await rt.read(buffer, 16); // submits, then maps a staging copy
 * ```
 */
export class Runtime {
  /** Storage buffers of every tensor. */
  readonly pool: BufferPool;
  /** Dispatches per submit before a flush happens without a read (a training step fits in one). */
  batchLimit = 1024;
  /**
   * Matrix products (and convolutions) of fewer multiply-adds than this run the direct GEMM kernel
   * instead of the tiled one (narrow products always do): on small problems staging tiles in workgroup
   * memory buys nothing, and on an emulated GPU a tiled pipeline takes seconds to compile against a
   * fraction of a second.
   */
  gemmDirectMaxMacs = 1 << 21;
  /**
   * Most workgroups of a 1-D kernel; its threads loop over the elements (grid-stride). A GPU wants
   * thousands of threads; an emulated one (SwiftShader) pays a large fixed cost per workgroup and runs
   * fastest on a handful, each thread taking many elements.
   */
  maxWorkgroups = 4096;
  /** Bound in place of a size-0 input (WebGPU bindings cannot be empty). */
  readonly empty: GPUBuffer;
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly layouts = new Map<number, { group: GPUBindGroupLayout; pipeline: GPUPipelineLayout }>();
  private readonly staging = new Map<number, GPUBuffer[]>();
  private readonly chunks: UniformChunk[] = [];
  private readonly slotAlign: number;
  private chunk = 0;
  private chunkOffset = 0;
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private pending = 0;
  private firstError: string | null = null;
  private shaderError: string | null = null;
  /** Submits so far (for tests and benchmarks). */
  submits = 0;
  /** Dispatches so far. */
  dispatches = 0;
  /** Milliseconds spent creating each pipeline (shader compilation), by cache key. */
  readonly compileMs = new Map<string, number>();

  constructor(readonly device: GPUDevice) {
    this.pool = new BufferPool(device);
    this.slotAlign = device.limits.minUniformBufferOffsetAlignment;
    this.empty = device.createBuffer({ size: 16, usage: USAGE.STORAGE });
    device.addEventListener('uncapturederror', (ev) => {
      const e = (ev as GPUUncapturedErrorEvent).error;
      this.firstError ??= e.message;
    });
  }

  /**
   * Workgroup counts of a 1-D kernel over `threads` elements (at least one workgroup, at most
   * {@link Runtime.maxWorkgroups}).
   */
  groups(threads: number): [number, number, number] {
    return [Math.max(1, Math.min(this.maxWorkgroups, Math.ceil(threads / WG))), 1, 1];
  }

  /** Number of pipelines compiled so far. */
  get pipelineCount(): number {
    return this.pipelines.size;
  }

  /** Record one dispatch. */
  run(d: Dispatch): void {
    const pipeline = this.pipeline(d);
    const slot = this.uniformSlot(d.params);
    const entries: GPUBindGroupEntry[] = [
      { binding: 0, resource: { buffer: slot.buffer, offset: slot.offset, size: d.params.byteLength } },
    ];
    d.inputs.forEach((buffer, k) => {
      entries.push({ binding: k + 1, resource: { buffer } });
    });
    entries.push({ binding: d.inputs.length + 1, resource: { buffer: d.output } });
    const layout = this.layout(d.inputs.length).group;
    const bindGroup = this.device.createBindGroup({ layout, entries });
    const pass = this.computePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(d.workgroups[0], d.workgroups[1], d.workgroups[2]);
    this.dispatches++;
    if (++this.pending >= this.batchLimit) this.flush();
  }

  /** Record a buffer-to-buffer copy (ordered with the dispatches around it). */
  copy(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, bytes: number): void {
    this.endPass();
    this.commandEncoder().copyBufferToBuffer(src, srcOffset, dst, dstOffset, bytes);
    this.pending++;
  }

  /** Submit everything recorded so far. */
  flush(): void {
    if (!this.encoder) return;
    this.endPass();
    for (let c = 0; c <= this.chunk && c < this.chunks.length; c++) {
      const used = c < this.chunk ? UNIFORM_CHUNK : this.chunkOffset;
      if (used > 0) {
        const ch = this.chunks[c]!;
        this.device.queue.writeBuffer(ch.buffer, 0, ch.view.buffer, 0, used);
      }
    }
    this.device.queue.submit([this.encoder.finish()]);
    this.submits++;
    this.encoder = null;
    this.pending = 0;
    this.chunk = 0;
    this.chunkOffset = 0;
    this.pool.submitted();
  }

  /** Copy `bytes` from the start of `buffer` to the host (submits pending work first). */
  async read(buffer: GPUBuffer, bytes: number): Promise<ArrayBuffer> {
    const size = bucketSize(bytes);
    const stage =
      this.staging.get(size)?.pop() ??
      this.device.createBuffer({ size, usage: USAGE.MAP_READ | USAGE.COPY_DST });
    this.copy(buffer, 0, stage, 0, bytes);
    this.flush();
    try {
      await stage.mapAsync(MAP_READ, 0, bytes);
    } catch (e) {
      throw new Error(`webgpu: reading back failed: ${this.firstError ?? (e as Error).message}`);
    }
    const out = stage.getMappedRange(0, bytes).slice(0);
    stage.unmap();
    const list = this.staging.get(size);
    if (list) list.push(stage);
    else this.staging.set(size, [stage]);
    if (this.firstError !== null) {
      const msg = this.shaderError ?? this.firstError;
      this.firstError = null;
      this.shaderError = null;
      throw new Error(`webgpu: a kernel failed on the device: ${msg}`);
    }
    return out;
  }

  /** Free the pool, staging buffers and uniform buffers (the runtime is unusable afterwards). */
  destroy(): void {
    this.flush();
    this.pool.trim();
    for (const list of this.staging.values()) for (const b of list) b.destroy();
    this.staging.clear();
    for (const c of this.chunks) c.buffer.destroy();
    this.chunks.length = 0;
    this.empty.destroy();
  }

  private pipeline(d: Dispatch): GPUComputePipeline {
    let p = this.pipelines.get(d.key);
    if (!p) {
      const t0 = performance.now();
      // Shader errors surface asynchronously: keep the first one for the next read to report.
      this.device.pushErrorScope('validation');
      const module = this.device.createShaderModule({ label: d.key, code: d.source() });
      p = this.device.createComputePipeline({
        label: d.key,
        layout: this.layout(d.inputs.length).pipeline,
        compute: { module, entryPoint: 'main' },
      });
      void this.device.popErrorScope().then((err) => {
        if (err) this.firstError ??= `pipeline '${d.key}': ${err.message}`;
      });
      void module.getCompilationInfo().then((info) => {
        const e = info.messages.find((m) => m.type === 'error');
        if (e) this.shaderError ??= `shader '${d.key}' line ${e.lineNum}: ${e.message}`;
      });
      this.pipelines.set(d.key, p);
      this.compileMs.set(d.key, performance.now() - t0);
    }
    return p;
  }

  /** Pipeline layout for `n` inputs: uniform, n read-only storage buffers, one read-write storage buffer. */
  private layout(n: number): { group: GPUBindGroupLayout; pipeline: GPUPipelineLayout } {
    let layout = this.layouts.get(n);
    if (!layout) {
      const COMPUTE = 0x4; // GPUShaderStage.COMPUTE
      const entries: GPUBindGroupLayoutEntry[] = [
        { binding: 0, visibility: COMPUTE, buffer: { type: 'uniform' } },
      ];
      for (let k = 1; k <= n; k++) {
        entries.push({ binding: k, visibility: COMPUTE, buffer: { type: 'read-only-storage' } });
      }
      entries.push({ binding: n + 1, visibility: COMPUTE, buffer: { type: 'storage' } });
      const group = this.device.createBindGroupLayout({ entries });
      layout = { group, pipeline: this.device.createPipelineLayout({ bindGroupLayouts: [group] }) };
      this.layouts.set(n, layout);
    }
    return layout;
  }

  private uniformSlot(params: Params): { buffer: GPUBuffer; offset: number } {
    const bytes = Math.ceil(params.byteLength / this.slotAlign) * this.slotAlign;
    if (this.chunkOffset + bytes > UNIFORM_CHUNK) {
      this.chunk++;
      this.chunkOffset = 0;
    }
    if (this.chunk === this.chunks.length) {
      const buffer = this.device.createBuffer({ size: UNIFORM_CHUNK, usage: USAGE.UNIFORM | USAGE.COPY_DST });
      this.chunks.push({ buffer, view: new DataView(new ArrayBuffer(UNIFORM_CHUNK)) });
    }
    const ch = this.chunks[this.chunk]!;
    const offset = this.chunkOffset;
    params.write(ch.view, offset);
    this.chunkOffset += bytes;
    return { buffer: ch.buffer, offset };
  }

  private commandEncoder(): GPUCommandEncoder {
    this.encoder ??= this.device.createCommandEncoder();
    return this.encoder;
  }

  private computePass(): GPUComputePassEncoder {
    this.pass ??= this.commandEncoder().beginComputePass();
    return this.pass;
  }

  private endPass(): void {
    if (this.pass) {
      this.pass.end();
      this.pass = null;
    }
  }
}
