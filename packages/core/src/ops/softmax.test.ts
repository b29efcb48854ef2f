import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';

const native = cpu();

/** The CPU backend without its fused softmax kernels, so core's composites run. */
function plainCpu(): nr.Backend {
  const b = cpu();
  return { ...b, name: 'cpu-plain', kernels: { ...b.kernels, softmax: undefined, logSoftmax: undefined } };
}

/** Deterministic host data in [-scale, scale). */
function hostData(n: number, seed: number, scale = 2): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s / 0x100000000) * 2 - 1) * scale;
  }
  return out;
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (Math.abs(actual[i]! - expected[i]!) > tol * Math.max(1, Math.abs(expected[i]!))) {
      throw new Error(`index ${i}: got ${actual[i]}, expected ${expected[i]}`);
    }
  }
}

async function values(t: nr.Tensor): Promise<number[]> {
  const d = Array.from((await t.data()) as Float32Array);
  t.dispose();
  return d;
}

beforeAll(async () => {
  await nr.setBackend(native);
});

afterEach(async () => {
  await nr.setBackend(native);
});

for (const backend of ['native', 'composite'] as const) {
  describe(`softmax / logSoftmax (${backend}, hand-computed)`, () => {
    beforeAll(async () => {
      await nr.setBackend(backend === 'native' ? native : plainCpu());
    });
    afterEach(async () => {
      await nr.setBackend(backend === 'native' ? native : plainCpu());
    });

    it('matches exp(x) / sum(exp(x)) on the last axis', async () => {
      expectClose(await values(nr.softmax([1, 2, 3])), [0.09003057, 0.24472847, 0.66524096]);
      expectClose(await values(nr.logSoftmax([1, 2, 3])), [-2.40760596, -1.40760596, -0.40760596]);
      expectClose(
        await values(
          nr.softmax([
            [0, Math.log(3)],
            [5, 5],
          ]),
        ),
        [0.25, 0.75, 0.5, 0.5],
      );
    });

    it('is stable for large logits', async () => {
      expectClose(await values(nr.softmax([1000, 1001, -1000])), [0.26894142, 0.73105858, 0]);
      expectClose(await values(nr.logSoftmax([1000, 1000])), [-Math.LN2, -Math.LN2]);
      expectClose(await values(nr.logSoftmax([-1000, 0])), [-1000, 0]);
    });

    it('works along a non-last axis and keeps the shape', async () => {
      const x = nr.tensor([
        [0, 5],
        [Math.log(3), 5],
      ]);
      const y = nr.softmax(x, 0);
      expect(y.shape).toEqual([2, 2]);
      expectClose(await values(y), [0.25, 0.5, 0.75, 0.5]);
      const z = nr.tensor(hostData(24, 1), [2, 3, 4]);
      const viaTranspose = nr.transpose(nr.logSoftmax(nr.transpose(z, [0, 2, 1])), [0, 2, 1]);
      expectClose(await values(nr.logSoftmax(z, 1)), await values(viaTranspose));
      nr.dispose([x, z]);
    });

    it('casts int32 logits to float32', async () => {
      const y = nr.softmax(nr.tensor([0, 0], [2], 'int32'));
      expect(y.dtype).toBe('float32');
      expect(await values(y)).toEqual([0.5, 0.5]);
    });
  });
}

describe('softmax errors', () => {
  it('names the op and the problem', () => {
    expect(() => nr.softmax(3)).toThrow(/softmax: logits must have rank >= 1, got a scalar/);
    expect(() => nr.logSoftmax([[1, 2]], 2)).toThrow(
      /logSoftmax: axis 2 is out of range for a tensor of rank 2/,
    );
    expect(() => nr.softmax(nr.tensor([true, false]))).toThrow(
      /softmax: logits must be float32 or int32, got bool/,
    );
  });
});

describe('softmax composites agree with the native kernels', () => {
  const shapes: [number[], number][] = [
    [[7], -1],
    [[3, 5], -1],
    [[2, 4, 6], 1],
    [[4, 3, 2], 0],
  ];
  for (const [shape, axis] of shapes) {
    it(`shape ${JSON.stringify(shape)} axis ${axis}: values and gradients`, async () => {
      const run = async (): Promise<Float32Array[]> => {
        const n = shape.reduce((a, b) => a * b, 1);
        const x = nr.tensor(hostData(n, 2, 5), shape);
        const r = nr.tensor(hostData(n, 3), shape);
        const out = nr.tidy(() =>
          [nr.softmax, nr.logSoftmax].flatMap((f) => [
            f(x, axis),
            nr.grad((t) => nr.sum(nr.mul(f(t, axis), r)))(x),
          ]),
        );
        const data = (await Promise.all(out.map((t) => t.data()))) as Float32Array[];
        nr.dispose([x, r, out]);
        return data;
      };
      const expected = await run();
      await nr.setBackend(plainCpu());
      const actual = await run();
      for (let i = 0; i < expected.length; i++) expectClose(actual[i]!, expected[i]!);
    });
  }
});

describe('softmax gradients (finite differences)', () => {
  for (const backend of ['native', 'composite'] as const) {
    it(`${backend}: softmax and logSoftmax, last and inner axis`, async () => {
      await nr.setBackend(backend === 'native' ? native : plainCpu());
      const x = nr.tensor(hostData(24, 4), [2, 3, 4]);
      const opts = { eps: 1e-2, tol: 1e-3 };
      for (const axis of [-1, 1]) {
        expect((await nr.gradCheck((t) => nr.softmax(t, axis), [x], opts)).passed).toBe(true);
        expect((await nr.gradCheck((t) => nr.logSoftmax(t, axis), [x], opts)).passed).toBe(true);
      }
      // Second order: the gradient rules are written with differentiable ops.
      const g = (t: nr.Tensor) => nr.grad((u) => nr.sum(nr.square(nr.softmax(u))))(t);
      expect((await nr.gradCheck(g, [x], opts)).passed).toBe(true);
      x.dispose();
    });
  }
});

describe('softmax memory', () => {
  for (const backend of ['native', 'composite'] as const) {
    it(`${backend}: leaves only its result (forward and gradients)`, async () => {
      const b = backend === 'native' ? native : plainCpu();
      await nr.setBackend(b);
      const x = nr.tensor(hostData(24, 5), [2, 3, 4]);
      const tensors = nr.memory().numTensors;
      const handles = b.stats().handles;
      for (const f of [nr.softmax, nr.logSoftmax]) {
        for (const axis of [-1, 0]) {
          const y = f(x, axis);
          expect(nr.memory().numTensors).toBe(tensors + 1);
          expect(b.stats().handles).toBe(handles + 1);
          y.dispose();
          const dx = nr.tidy(() => nr.grad((t) => nr.sum(nr.square(f(t, axis))))(x));
          expect(nr.memory().numTensors).toBe(tensors + 1);
          dx.dispose();
        }
      }
      expect(nr.memory().numTensors).toBe(tensors);
      expect(b.stats().handles).toBe(handles);
      x.dispose();
    });
  }
});
