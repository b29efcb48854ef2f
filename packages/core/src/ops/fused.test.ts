import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';

const fast = cpu();
const reference = cpu({ fast: false });
/** The CPU backend without the two fused kernels, so core's composites run. */
const composite: nr.Backend = (() => {
  const b = cpu();
  return {
    ...b,
    name: 'cpu-composite',
    kernels: { ...b.kernels, matmulBiasActivation: undefined, conv2dBiasActivation: undefined },
  };
})();

beforeAll(async () => {
  await nr.setBackend(fast);
});

async function on<T>(backend: nr.Backend, fn: () => Promise<T>): Promise<T> {
  await nr.setBackend(backend);
  try {
    return await fn();
  } finally {
    await nr.setBackend(fast);
  }
}

describe.each([
  ['fast kernels', fast],
  ['reference kernels', reference],
  ['composite', composite],
] as const)('fusedMatMul and fusedConv2d (%s), hand-computed', (_label, backend) => {
  it('fusedMatMul adds the bias per column, then applies ReLU', async () => {
    await on(backend, async () => {
      // [[1, 2], [3, -4]] · [[1, 0, 2], [0, 1, -1]] = [[1, 2, 0], [3, -4, 10]]; + [0.5, -1, -3]
      const a = [
        [1, 2],
        [3, -4],
      ];
      const b = [
        [1, 0, 2],
        [0, 1, -1],
      ];
      const bias = [0.5, -1, -3];
      const linear = nr.fusedMatMul({ a, b, bias });
      expect(await linear.array()).toEqual([
        [1.5, 1, -3],
        [3.5, -5, 7],
      ]);
      const relu = nr.fusedMatMul({ a, b, bias, activation: 'relu' });
      expect(await relu.array()).toEqual([
        [1.5, 1, 0],
        [3.5, 0, 7],
      ]);
      // aᵀ · bᵀ with no bias: a [2, 2]ᵀ, b [3, 2] -> [[1, 3, -1], [2, -4, 8]]... checked against matMul.
      const t = nr.fusedMatMul({ a, b: nr.transpose(b), transposeA: true, transposeB: true });
      expect(await t.array()).toEqual(await nr.matMul(a, nr.transpose(b), true, true).array());
      nr.dispose([linear, relu, t]);
    });
  });

  it('fusedConv2d adds the bias per channel, then applies ReLU', async () => {
    await on(backend, async () => {
      // 3x3 image of ones, 2x2 filter of ones with 2 output channels: every window sums to 4.
      const y = nr.fusedConv2d({
        x: nr.ones([1, 3, 3, 1]),
        filter: nr.ones([2, 2, 1, 2]),
        bias: [-5, 1],
        activation: 'relu',
      });
      expect(y.shape).toEqual([1, 2, 2, 2]);
      expect(Array.from(await y.data())).toEqual([0, 5, 0, 5, 0, 5, 0, 5]);
      const same = nr.fusedConv2d({ x: nr.ones([3, 3, 1]), filter: nr.ones([2, 2, 1, 1]), padding: 'same' });
      expect(same.shape).toEqual([3, 3, 1]);
      expect(Array.from(await same.data())).toEqual([4, 4, 2, 4, 4, 2, 2, 2, 1]);
      nr.dispose([y, same]);
    });
  });
});

describe('fusedMatMul and fusedConv2d: gradients and errors', () => {
  it('the gradient of the bias sums dy where the ReLU output is positive', async () => {
    const a = nr.tensor2d([
      [1, 2],
      [3, -4],
    ]);
    const b = nr.tensor2d([
      [1, 0, 2],
      [0, 1, -1],
    ]);
    const bias = nr.tensor1d([0.5, -1, -3]);
    const [da, db, dbias] = nr.grads((p, q, r) =>
      nr.sum(nr.fusedMatMul({ a: p!, b: q!, bias: r!, activation: 'relu' })),
    )([a, b, bias]);
    // Output [[1.5, 1, 0], [3.5, 0, 7]]: mask [[1, 1, 0], [1, 0, 1]].
    expect(await dbias!.array()).toEqual([2, 1, 1]);
    // da = mask · bᵀ; db = aᵀ · mask.
    expect(await da!.array()).toEqual([
      [1, 1],
      [3, -1],
    ]);
    expect(await db!.array()).toEqual([
      [4, 1, 3],
      [-2, 2, -4],
    ]);
    nr.dispose([a, b, bias, da!, db!, dbias!]);
  });

  it('reports bad arguments with the op name, expected and actual', () => {
    expect(() => nr.fusedMatMul({ a: [[1, 2]], b: [[1], [2]], bias: [1, 2] })).toThrow(
      /fusedMatMul: bias must have shape \[1\].*got \[2\]/,
    );
    expect(() => nr.fusedMatMul({ a: [1, 2], b: [[1], [2]] })).toThrow(
      /fusedMatMul: a and b must have rank 2, got \[2\]/,
    );
    expect(() => nr.fusedMatMul({ a: [[1, 2]], b: [[1, 2]] })).toThrow(
      /fusedMatMul: inner dimensions differ/,
    );
    expect(() => nr.fusedMatMul({ a: [[1]], b: [[1]], activation: 'tanh' as nr.FusedActivation })).toThrow(
      /fusedMatMul: activation must be 'linear' or 'relu', got "tanh"/,
    );
    expect(() => nr.fusedMatMul({ a: nr.tensor2d([[1]], [1, 1], 'int32'), b: [[1]] })).toThrow(
      /fusedMatMul: argument 'a' must be float32, got int32/,
    );
    expect(() =>
      nr.fusedConv2d({ x: nr.ones([1, 3, 3, 1]), filter: nr.ones([2, 2, 1, 2]), bias: [1, 2, 3] }),
    ).toThrow(/fusedConv2d: bias must have shape \[2\].*got \[3\]/);
  });

  it('Dense and Conv2D with ReLU run the fused kernels and free their intermediates', () => {
    const calls: string[] = [];
    const spy: nr.Backend = {
      ...fast,
      kernels: new Proxy(fast.kernels, {
        get(target, prop, receiver) {
          const value = Reflect.get(target, prop, receiver);
          return typeof value === 'function'
            ? (...args: unknown[]) => {
                calls.push(String(prop));
                return (value as (...a: unknown[]) => unknown)(...args);
              }
            : value;
        },
      }),
    };
    nr.engine().setBackendSync(spy);
    try {
      const dense = nr.layers.dense({ units: 3, activation: 'relu' });
      const conv = nr.layers.conv2d({ filters: 2, kernelSize: 2, activation: 'relu' });
      const x = nr.ones([2, 4]);
      const img = nr.ones([1, 3, 3, 1]);
      dense.apply(x).dispose();
      conv.apply(img).dispose();
      const before = nr.memory().numTensors;
      calls.length = 0;
      dense.apply(x).dispose();
      conv.apply(img).dispose();
      expect(calls).toEqual(['matmulBiasActivation', 'conv2dBiasActivation']);
      expect(nr.memory().numTensors).toBe(before);
      nr.dispose([x, img]);
      dense.dispose();
      conv.dispose();
    } finally {
      nr.engine().setBackendSync(fast);
    }
  });
});
