/**
 * Where a kernel runs or a tensor is made: the layer (or loss, metric, optimizer) on the engine's frame
 * stack, forward or backward, and the op. Read only while debug hooks are installed.
 *
 * @packageDocumentation
 */
import type { FusedKernels } from '../backend/types.js';
import type { Engine } from '../engine/engine.js';
import type { FrameOwner } from '../engine/hooks.js';

/**
 * The place in a training step where a kernel ran or a tensor was created.
 *
 * @example
 * ```ts
 * const site: nr.DebugSite = { owner: { kind: 'layer', name: 'dense_1', className: 'Dense' }, backward: false, op: 'matMul' };
 * ```
 */
export interface DebugSite {
  /** The innermost layer, loss, metric or optimizer on the way to the kernel (none outside them). */
  readonly owner?: FrameOwner;
  /** True in the backward pass (a gradient rule recorded by `owner`). */
  readonly backward: boolean;
  /** The fused kernel whose composite default was running, if any. */
  readonly composite?: keyof FusedKernels;
  /** The op (kernel call or op scope name), e.g. `'matMul'`. */
  readonly op: string | null;
}

/**
 * @internal The current site, from the engine's frames; `op` is given (a kernel's name) or the innermost
 * scope's name.
 */
export function currentSite(e: Engine, op: string | null = e.scopeName): DebugSite {
  const frames = e.frameStack;
  let owner: FrameOwner | undefined;
  let backward = false;
  let composite: keyof FusedKernels | undefined;
  for (let i = frames.length - 1; i >= 0; i--) {
    const f = frames[i]!;
    if (f.composite && composite === undefined && owner === undefined) composite = f.composite;
    if (f.owner) {
      owner = f.owner;
      backward = f.backward ?? false;
      break;
    }
  }
  return { owner, backward, composite, op };
}

/**
 * Human-readable owner: `layer Dense 'dense_1'`, `loss 'meanSquaredError'`, `optimizer 'SGD'`, or `the training step
 * (outside any layer)`.
 *
 * @example
 * ```ts
 * describeOwner({ kind: 'layer', name: 'dense_1', className: 'Dense' }); // "Dense 'dense_1'"
 * ```
 */
export function describeOwner(owner: FrameOwner | undefined): string {
  if (!owner) return 'the training step (outside any layer)';
  if (owner.kind === 'layer') return `layer ${owner.className ?? 'Layer'} '${owner.name}'`;
  const updating = owner.variable ? ` updating variable '${owner.variable}'` : '';
  return `${owner.kind} '${owner.name}'${updating}`;
}

/**
 * One line naming a site: `layer Dense 'dense_1' (backward), op 'matMul'`.
 *
 * @example
 * ```ts
 * describeSite(site); // "layer Conv2D 'conv2d_1' (forward), op 'conv2d'"
 * ```
 */
export function describeSite(site: DebugSite): string {
  const pass =
    site.owner?.kind === 'layer' || site.owner?.kind === 'loss'
      ? ` (${site.backward ? 'backward' : 'forward'})`
      : '';
  const inside = site.composite ? ` in the composite of '${site.composite}'` : '';
  const op = site.op ? `, op '${site.op}'` : '';
  return `${describeOwner(site.owner)}${pass}${op}${inside}`;
}
