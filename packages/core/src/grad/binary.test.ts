import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import type { Backend } from '../backend/types.js';
import * as nr from '../index.js';

/** The CPU backend with every binary and unary kernel call counted by op name. */
function countingCpu(): { backend: Backend; calls: Map<string, number> } {
  const backend = cpu();
  const calls = new Map<string, number>();
  const k = backend.kernels;
  const { binary, unary } = k;
  const count = (op: string) => calls.set(op, (calls.get(op) ?? 0) + 1);
  Object.assign(k, {
    binary: (...args: Parameters<typeof binary>) => {
      count(args[0]);
      return binary(...args);
    },
    unary: (...args: Parameters<typeof unary>) => {
      count(args[0]);
      return unary(...args);
    },
  });
  return { backend, calls };
}

describe('binary gradient rules', () => {
  const { backend, calls } = countingCpu();
  beforeAll(async () => {
    await nr.setBackend(backend);
  });

  it('skip the input that needs no gradient (a constant divisor costs no kernels)', async () => {
    const x = nr.tensor([1, -2, 4]);
    const c = nr.tensor([2, 4, 8]);
    calls.clear();
    const [dx] = nr.grads((t) => nr.sum(nr.div(t!, c)))([x]);
    // d/dx sum(x / c) = 1 / c, by hand
    expect(Array.from(await dx!.data())).toEqual([0.5, 0.25, 0.125]);
    // The divisor's rule -dy * x / c^2 (square, neg and a second div) never runs.
    expect(calls.get('square')).toBeUndefined();
    expect(calls.get('neg')).toBeUndefined();
    expect(calls.get('div')).toBe(2); // the forward x / c and the rule's dy / c
    nr.dispose([x, c, dx!]);
  });

  it('still give both gradients when both inputs need them', async () => {
    const a = nr.tensor([3, -1]);
    const b = nr.tensor([2, 5]);
    const [da, db] = nr.grads((p, q) => nr.sum(nr.div(p!, q!)))([a, b]);
    // d/da = 1 / b; d/db = -a / b^2, by hand
    expect(Array.from(await da!.data())).toEqual([0.5, Math.fround(0.2)]);
    const got = await db!.data();
    expect(got[0]).toBeCloseTo(-0.75, 6);
    expect(got[1]).toBeCloseTo(0.04, 6);
    const [dm] = nr.grads((p) => nr.sum(nr.mul(p!, b)))([a]);
    expect(Array.from(await dm!.data())).toEqual([2, 5]);
    nr.dispose([a, b, da!, db!, dm!]);
  });
});
