import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';

beforeAll(async () => {
  await nr.setBackend(cpu());
});

describe('gradient functions when f throws', () => {
  it('free the intermediates f recorded in inner scopes', () => {
    const w = nr.variable(nr.tensor1d([1, 2]), true, 'w_throws');
    const before = nr.memory().numTensors;
    const f = () => {
      // taped intermediates made inside a tidy (as every layer call makes them), then a failure
      nr.tidy(() => nr.sum(nr.square(nr.mul(w, 3))));
      throw new Error('f failed');
    };
    expect(() => nr.variableGrads(f, [w])).toThrow('f failed');
    expect(() => nr.grad(() => f())(nr.scalar(1))).toThrow('f failed');
    // the scalar argument of grad is the only tensor left
    expect(nr.memory().numTensors).toBe(before + 1);
    w.dispose();
  });
});
