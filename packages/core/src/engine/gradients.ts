import { onesLike, zerosLike } from '../ops/creation.js';
import { cast } from '../ops/shape.js';
import { fmt } from '../ops/util.js';
import { backprop } from './backprop.js';
import { collectTensors, engine, type GradFn, type TapeNode } from './engine.js';
import { shapesEqual, type Tensor, Variable } from './tensor.js';

/**
 * Value of a function and its gradients with respect to each argument.
 *
 * @example
 * ```ts
 * const { value, grads } = nr.valueAndGrads((a, b) => nr.sum(nr.mul(a, b)))([x, y]);
 * ```
 */
export interface ValueAndGrads {
  readonly value: Tensor;
  readonly grads: Tensor[];
}

function checkArgs(xs: readonly Tensor[], what: string): void {
  xs.forEach((x, i) => {
    x.assertLive(`${what}: argument ${i}`);
    if (x.dtype !== 'float32')
      throw new Error(`${what}: argument ${i} must be float32 to be differentiated, got ${x.dtype}`);
  });
}

/**
 * Core of every gradient function: run f on a tape, then backpropagate from its result. `xsOrFind` may be a
 * function of the recorded nodes, called after f, so the targets can be tensors f created (`nr.trace` asks for
 * the gradient of every layer's output this way).
 *
 * @internal
 */
export function differentiate(
  what: string,
  f: () => Tensor,
  xsOrFind: readonly Tensor[] | ((nodes: readonly TapeNode[]) => readonly Tensor[]),
  dy: Tensor | undefined,
): { value: Tensor; grads: Tensor[]; xs: readonly Tensor[] } {
  const e = engine();
  return e.scoped(what, () => {
    const tape = e.startTape(typeof xsOrFind === 'function' ? undefined : xsOrFind);
    let value: Tensor;
    try {
      value = f();
    } catch (err) {
      // Free what the tape kept for a backward pass that will not run.
      e.stopTape(tape);
      e.releaseTape(tape, new Set());
      throw err;
    }
    e.stopTape(tape);
    let result: { value: Tensor; grads: Tensor[]; xs: readonly Tensor[] } | undefined;
    try {
      const xs = typeof xsOrFind === 'function' ? xsOrFind(tape.nodes) : xsOrFind;
      if (!value || typeof value !== 'object' || !('shape' in value)) {
        throw new Error(`${what}: the function must return a Tensor`);
      }
      if (dy && !shapesEqual(dy.shape, value.shape)) {
        throw new Error(`${what}: dy has shape ${fmt(dy.shape)}, but f returned ${fmt(value.shape)}`);
      }
      const seed = dy ?? onesLike(value.dtype === 'float32' ? value : cast(value, 'float32'));
      const map = backprop(tape.nodes, value, seed, xs);
      result = { value, grads: xs.map((x) => map.get(x.id) ?? zerosLike(x)), xs };
    } finally {
      e.releaseTape(tape, collectTensors(result ? [result.value, result.grads] : null));
    }
    return result!;
  });
}

/** Drop the value of a differentiation (unless it is an input or a gradient itself). */
function gradsOnly(r: { value: Tensor; grads: Tensor[]; xs: readonly Tensor[] }): Tensor[] {
  if (!r.xs.includes(r.value) && !r.grads.includes(r.value)) r.value.dispose();
  return r.grads;
}

/**
 * Gradient function of `f(x)`: returns `df/dx` (with `dy` as the upstream gradient, default ones).
 *
 * @example
 * ```ts
 * const g = nr.grad((x) => nr.sum(nr.square(x)));
 * await g(nr.tensor1d([1, 2])).data(); // [2, 4]
 * ```
 */
export function grad(f: (x: Tensor) => Tensor): (x: Tensor, dy?: Tensor) => Tensor {
  return (x, dy) => {
    checkArgs([x], 'grad');
    return gradsOnly(differentiate('grad', () => f(x), [x], dy))[0]!;
  };
}

/**
 * Gradient function of `f(...xs)` with respect to every argument.
 *
 * @example
 * ```ts
 * const g = nr.grads((a, b) => nr.sum(nr.mul(a, b)));
 * const [da, db] = g([a, b]); // da = b, db = a
 * ```
 */
export function grads(f: (...xs: Tensor[]) => Tensor): (xs: Tensor[], dy?: Tensor) => Tensor[] {
  return (xs, dy) => {
    checkArgs(xs, 'grads');
    return gradsOnly(differentiate('grads', () => f(...xs), xs, dy));
  };
}

/**
 * Like {@link grad}, also returning the value of `f(x)`.
 *
 * @example
 * ```ts
 * const { value, grad } = nr.valueAndGrad((x) => nr.sum(nr.square(x)))(nr.tensor1d([3]));
 * ```
 */
export function valueAndGrad(
  f: (x: Tensor) => Tensor,
): (x: Tensor, dy?: Tensor) => { value: Tensor; grad: Tensor } {
  return (x, dy) => {
    checkArgs([x], 'valueAndGrad');
    const r = differentiate('valueAndGrad', () => f(x), [x], dy);
    return { value: r.value, grad: r.grads[0]! };
  };
}

/**
 * Like {@link grads}, also returning the value of `f(...xs)`.
 *
 * @example
 * ```ts
 * const { value, grads } = nr.valueAndGrads((x, w, b) => nr.sum(nr.sigmoid(nr.add(nr.matMul(x, w), b))))([x, w, b]);
 * ```
 */
export function valueAndGrads(f: (...xs: Tensor[]) => Tensor): (xs: Tensor[], dy?: Tensor) => ValueAndGrads {
  return (xs, dy) => {
    checkArgs(xs, 'valueAndGrads');
    return differentiate('valueAndGrads', () => f(...xs), xs, dy);
  };
}

/**
 * Value of a scalar loss `f()` and its gradient with respect to each trainable variable it used
 * (or to `varList`), keyed by variable name.
 *
 * @example
 * ```ts
 * const w = nr.variable(nr.tensor1d([1, 2]), true, 'w');
 * const { value, grads } = nr.variableGrads(() => nr.sum(nr.square(w)));
 * await grads.w.data(); // [2, 4]
 * ```
 */
export function variableGrads(
  f: () => Tensor,
  varList?: readonly Variable[],
): { value: Tensor; grads: Record<string, Tensor> } {
  const findVariables = (nodes: readonly TapeNode[]): Variable[] => {
    const seen = new Set<Variable>();
    for (const node of nodes) {
      for (const t of node.inputs) if (t instanceof Variable && t.trainable) seen.add(t);
    }
    if (seen.size === 0) throw new Error('variableGrads: f uses no trainable variable');
    return [...seen];
  };
  return engine().scoped('variableGrads', () => {
    const r = differentiate('variableGrads', f, varList ?? findVariables, undefined);
    if (r.value.size !== 1)
      throw new Error(`variableGrads: f must return a scalar, got shape ${fmt(r.value.shape)}`);
    const out: Record<string, Tensor> = {};
    r.xs.forEach((v, i) => {
      out[(v as Variable).name] = r.grads[i]!;
    });
    return { value: r.value, grads: out };
  });
}

/**
 * Define a function with its own gradient. `f` returns `{ value, gradFunc }`, where `gradFunc(dy)`
 * returns one gradient per input.
 *
 * @example
 * ```ts
 * const clipGrad = nr.customGrad((x) => ({
 *   value: nr.mul(x, 1),
 *   gradFunc: (dy) => [nr.clipByValue(dy, -1, 1)],
 * }));
 * ```
 */
export function customGrad(
  f: (...xs: Tensor[]) => { value: Tensor; gradFunc: (dy: Tensor) => readonly Tensor[] },
): (...xs: Tensor[]) => Tensor {
  return (...xs) => {
    const e = engine();
    // Run the forward pass without recording; record one node with the user's rule instead.
    let gradFunc: ((dy: Tensor) => readonly Tensor[]) | undefined;
    const value = e.paused(() => {
      const r = e.scoped('customGrad', () => f(...xs), { keepForTape: true });
      gradFunc = r.gradFunc;
      return r.value;
    });
    const rule: GradFn = (dy) => {
      const gs = gradFunc!(dy);
      if (gs.length !== xs.length) {
        throw new Error(`customGrad: gradFunc returned ${gs.length} gradients for ${xs.length} inputs`);
      }
      return gs;
    };
    e.recordNode('customGrad', xs, value, rule);
    return value;
  };
}
