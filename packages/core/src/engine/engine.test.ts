import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';

beforeAll(async () => {
  await nr.setBackend(cpu());
});

describe('tensors', () => {
  it('creates tensors with shape, dtype and data', async () => {
    const t = nr.tensor2d([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe('float32');
    expect(t.rank).toBe(2);
    expect(Array.from(await t.data())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await t.array()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(nr.scalar(3).arraySync()).toBe(3);
    expect(nr.tensor([true, false]).dtype).toBe('bool');
    expect(nr.tensor(new Int32Array([1, 2])).dtype).toBe('int32');
    t.dispose();
  });

  it('copies typed arrays (a later write to the source does not reach the tensor) and converts dtypes', async () => {
    const f = new Float32Array([1, 2, 3, 4]);
    const i = new Int32Array([5, 6]);
    const tf = nr.tensor(f, [2, 2]);
    const ti = nr.tensor(i);
    const asInt = nr.tensor(new Float32Array([1.5, -2]), undefined, 'int32');
    const asFloat = nr.tensor(new Uint8Array([0, 128, 255]), undefined, 'float32');
    const asBool = nr.tensor(new Float32Array([0, 2, -1]), undefined, 'bool');
    f[0] = 100;
    i[1] = 100;
    expect(Array.from(await tf.data())).toEqual([1, 2, 3, 4]);
    expect(Array.from(await ti.data())).toEqual([5, 6]);
    expect(Array.from(await asInt.data())).toEqual([1, -2]);
    expect(Array.from(await asFloat.data())).toEqual([0, 128, 255]);
    expect(Array.from(await asBool.data())).toEqual([0, 1, 1]);
    nr.dispose([tf, ti, asInt, asFloat, asBool]);
  });

  it('rejects ragged input and wrong ranks with clear errors', () => {
    expect(() => nr.tensor([[1, 2], [3]])).toThrow(/ragged.*expected length 2/);
    expect(() => nr.tensor2d([1, 2, 3])).toThrow(/tensor2d: expected a rank-2 value, got shape \[3\]/);
    expect(() => nr.tensor([1, 2, 3], [2, 2])).toThrow(/3 values cannot fill shape \[2, 2\]/);
    // A dtype where the shape goes (plain JavaScript callers) names the slip instead of crashing later.
    const noShape = 'int32' as unknown as number[];
    expect(() => nr.tensor2d([[1, 2]], noShape)).toThrow(
      /tensor2d: shape must be an array of dimensions, got "int32" \(the dtype is the third argument/,
    );
    expect(() => nr.tensor([1], noShape)).toThrow(/tensor: shape must be an array/);
  });

  it('builds ranges, linspace, eye, fills', async () => {
    expect(Array.from(await nr.range(0, 5).data())).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(await nr.range(1, 2, 0.25).data())).toEqual([1, 1.25, 1.5, 1.75]);
    expect(Array.from(await nr.linspace(0, 1, 5).data())).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(await nr.eye(2, 3).array()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ]);
    expect(Array.from(await nr.fill([2], 7, 'int32').data())).toEqual([7, 7]);
    expect(nr.zerosLike(nr.ones([2, 2], 'int32')).dtype).toBe('int32');
  });

  it('reshape shares data and infers -1', async () => {
    const before = nr.memory();
    const x = nr.range(0, 6);
    const y = nr.reshape(x, [2, -1]);
    expect(y.shape).toEqual([2, 3]);
    expect(nr.memory().numDataBuffers).toBe(before.numDataBuffers + 1);
    x.dispose();
    expect(await y.array()).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    y.dispose();
    expect(nr.memory()).toEqual(before);
    expect(() => nr.reshape(nr.zeros([4]), [3])).toThrow(
      /reshape: cannot reshape \[4\] \(4 elements\) to \[3\]/,
    );
  });

  it('supports `using` and idempotent dispose', () => {
    const before = nr.memory().numTensors;
    {
      using t = nr.ones([3]);
      expect(t.isDisposed).toBe(false);
    }
    expect(nr.memory().numTensors).toBe(before);
    const t = nr.ones([1]);
    t.dispose();
    t.dispose();
    expect(nr.memory().numTensors).toBe(before);
    expect(() => t.dataSync()).toThrow(/disposed/);
  });
});

describe('randomness', () => {
  it('is reproducible with seed()', async () => {
    nr.seed(7);
    const a = await nr.randomNormal([5]).data();
    nr.seed(7);
    const b = await nr.randomNormal([5]).data();
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('has the right moments and bounds', async () => {
    nr.seed(1);
    const n = 20000;
    const u = (await nr.randomUniform([n], -2, 2).data()) as Float32Array;
    const z = (await nr.randomNormal([n], 3, 2).data()) as Float32Array;
    const tn = (await nr.truncatedNormal([n], 0, 1).data()) as Float32Array;
    const meanOf = (d: Float32Array) => d.reduce((s, v) => s + v, 0) / d.length;
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...u)).toBeLessThan(2);
    expect(Math.abs(meanOf(u))).toBeLessThan(0.05);
    expect(Math.abs(meanOf(z) - 3)).toBeLessThan(0.05);
    const variance = z.reduce((s, v) => s + (v - 3) ** 2, 0) / n;
    expect(Math.abs(Math.sqrt(variance) - 2)).toBeLessThan(0.05);
    expect(Math.max(...tn.map(Math.abs))).toBeLessThanOrEqual(2);
  });
});

describe('tidy, keep and memory', () => {
  it('returns numTensors to baseline and keeps results', () => {
    const before = nr.memory().numTensors;
    let kept: nr.Tensor | undefined;
    const out = nr.tidy(() => {
      const a = nr.ones([4]);
      const b = nr.add(a, 1);
      kept = nr.keep(nr.mul(b, 2));
      return { r: nr.sub(b, 1), list: [nr.neg(a)] };
    });
    expect(nr.memory().numTensors).toBe(before + 3);
    nr.dispose([out, kept]);
    expect(nr.memory().numTensors).toBe(before);
  });

  it('rejects a function returning a promise', () => {
    const before = nr.memory().numTensors;
    // biome-ignore lint/suspicious/noExplicitAny: deliberately wrong use
    expect(() => nr.tidy((async () => nr.ones([1])) as any)).toThrow(/tidy is synchronous/);
    expect(nr.memory().numTensors).toBe(before);
  });

  it('frees temporaries when an op throws', () => {
    const a = nr.ones([2, 3]);
    const before = nr.memory().numTensors;
    expect(() => nr.add(a, [1, 2, 3, 4])).toThrow(/add: shapes \[2, 3\] and \[4\] cannot be broadcast/);
    expect(nr.memory().numTensors).toBe(before);
    a.dispose();
  });

  it('rejects tensors of another backend', () => {
    const other = cpu();
    const x = nr.ones([2]);
    const e = nr.engine();
    e.setBackendSync(other);
    try {
      const y = nr.ones([2]);
      expect(() => nr.add(x, y)).toThrow(
        /add: input 0 lives on another 'cpu' backend instance than the active one; move it explicitly/,
      );
      y.dispose();
    } finally {
      e.setBackendSync(x.storage.backend);
    }
    x.dispose();
  });
});

describe('autodiff', () => {
  it('differentiates y = sigmoid(xW + b) like the hand-derived formula', async () => {
    const x = nr.tensor2d([[0.5, -1]]);
    const w = nr.tensor2d([[2], [1]]);
    const b = nr.tensor1d([0.25]);
    const { value, grads } = nr.valueAndGrads((x, w, b) => nr.sum(nr.sigmoid(nr.add(nr.matMul(x, w), b))))([
      x,
      w,
      b,
    ]);
    // z = 0.5*2 + (-1)*1 + 0.25 = 0.25; s = sigmoid(z); ds/dz = s(1-s)
    const s = 1 / (1 + Math.exp(-0.25));
    const d = s * (1 - s);
    expect(value.dataSync()[0]).toBeCloseTo(s, 6);
    expect(Array.from(grads[1]!.dataSync())).toEqual([expect.closeTo(0.5 * d, 6), expect.closeTo(-1 * d, 6)]);
    expect(grads[2]!.dataSync()[0]).toBeCloseTo(d, 6);
    expect(Array.from(grads[0]!.dataSync())).toEqual([expect.closeTo(2 * d, 6), expect.closeTo(1 * d, 6)]);
  });

  it('accumulates gradients over several paths and through broadcasting', () => {
    // f(x) = sum(x * x + x), df/dx = 2x + 1; broadcasting: g(a, b) = sum(a + b) with b [1] broadcast to [3]
    const g = nr.grad((x) => nr.sum(nr.add(nr.mul(x, x), x)));
    expect(Array.from(g(nr.tensor1d([1, 2, 3])).dataSync())).toEqual([3, 5, 7]);
    const [da, db] = nr.grads((a, b) => nr.sum(nr.mul(nr.add(a, b), 2)))([
      nr.tensor1d([1, 2, 3]),
      nr.tensor1d([5]),
    ]);
    expect(Array.from(da!.dataSync())).toEqual([2, 2, 2]);
    expect(Array.from(db!.dataSync())).toEqual([6]);
  });

  it('gives zeros for unused inputs and leaks nothing', () => {
    const x = nr.tensor1d([1, 2]);
    const y = nr.tensor1d([3, 4]);
    const before = nr.memory().numTensors;
    const [gx, gy] = nr.grads((a) => nr.sum(nr.exp(a)))([x, y]);
    expect(Array.from(gy!.dataSync())).toEqual([0, 0]);
    expect(gx!.dataSync()[0]).toBeCloseTo(Math.E, 5);
    nr.dispose([gx, gy]);
    expect(nr.memory().numTensors).toBe(before);
  });

  it('finds trainable variables in variableGrads', () => {
    const w = nr.variable(nr.tensor1d([1, 2]), true, 'w_vg');
    const frozen = nr.variable(nr.tensor1d([3, 4]), false, 'frozen_vg');
    const before = nr.memory().numTensors;
    const { value, grads } = nr.variableGrads(() => nr.sum(nr.mul(nr.square(w), frozen)));
    expect(Object.keys(grads)).toEqual(['w_vg']);
    expect(Array.from(grads.w_vg!.dataSync())).toEqual([6, 16]);
    expect(value.dataSync()[0]).toBe(3 + 16);
    nr.dispose([value, grads]);
    expect(nr.memory().numTensors).toBe(before);
    w.assign(nr.tidy(() => nr.tensor1d([0, 0])));
    expect(Array.from(w.dataSync())).toEqual([0, 0]);
    expect(() => w.assign(nr.zeros([3]))).toThrow(
      /Variable 'w_vg'.assign: expected shape \[2\] float32, got \[3\] float32/,
    );
  });

  it('uses customGrad rules', () => {
    const f = nr.customGrad((x) => ({ value: nr.square(x), gradFunc: (dy) => [nr.mul(dy, 10)] }));
    const g = nr.grad((x) => nr.sum(f(x)))(nr.tensor1d([1, 2]));
    expect(Array.from(g.dataSync())).toEqual([10, 10]);
  });

  it('computes second derivatives', () => {
    // d/dx of d/dx (x^3) = 6x
    const d2 = nr.grad((x) => nr.sum(nr.grad((y) => nr.sum(nr.mul(nr.mul(y, y), y)))(x)));
    expect(Array.from(d2(nr.tensor1d([1, 2])).dataSync())).toEqual([6, 12]);
  });

  it('gradCheck passes for correct rules and fails for a wrong one', async () => {
    nr.seed(3);
    const x = nr.randomNormal([3, 4]);
    const w = nr.randomNormal([4, 2]);
    const good = await nr.gradCheck((x, w) => nr.tanh(nr.matMul(x, w)), [x, w], { eps: 1e-2, tol: 1e-3 });
    expect(good.passed).toBe(true);
    const wrong = nr.customGrad((x) => ({ value: nr.square(x), gradFunc: (dy) => [nr.mul(dy, x)] }));
    const bad = await nr.gradCheck((x) => wrong(x), [x]);
    expect(bad.passed).toBe(false);
    expect(bad.maxRelError[0]).toBeGreaterThan(0.1);
  });

  it('records only the calls that depend on the listed sources (a frozen trunk keeps no activations)', () => {
    const w = nr.variable(nr.tensor1d([1, 2]), true, 'w_src');
    const trunkWeight = nr.variable(nr.tensor1d([3, 4]), true, 'trunk_src');
    const x = nr.tensor1d([0.5, -1]);
    const e = nr.engine();
    const tape = e.startTape([w]);
    const frozen = nr.tanh(nr.mul(x, trunkWeight)); // no path from w: not recorded
    const y = nr.sum(nr.mul(frozen, nr.square(w)));
    e.stopTape(tape);
    const names = tape.nodes.map((n) => n.name);
    expect(names).not.toContain('tanh');
    expect(names.filter((n) => n === 'mul')).toHaveLength(1); // frozen * w^2, not x * trunkWeight
    expect(names).toContain('square');
    expect(frozen.taped).toBe(true); // an input of a recorded call: kept for the backward pass
    e.releaseTape(tape, new Set());
    // The gradient with respect to the listed variables is unchanged: d/dw sum(tanh(x * t) * w^2).
    const { grads } = nr.variableGrads(
      () => nr.sum(nr.mul(nr.tanh(nr.mul(x, trunkWeight)), nr.square(w))),
      [w],
    );
    expect(Object.keys(grads)).toEqual(['w_src']);
    const g = grads.w_src!.dataSync();
    expect(g[0]).toBeCloseTo(Math.tanh(1.5) * 2, 5);
    expect(g[1]).toBeCloseTo(Math.tanh(-4) * 4, 5);
    nr.dispose([grads, y, frozen, w, trunkWeight, x]);
  });

  it('skips gradients nobody asked for (the input images of a conv layer)', () => {
    const base = cpu();
    const calls = { input: 0, filter: 0 };
    const spied: nr.Backend = {
      ...base,
      name: 'cpu-spied',
      kernels: {
        ...base.kernels,
        conv2dGradInput: (...a) => {
          calls.input++;
          return base.kernels.conv2dGradInput(...a);
        },
        conv2dGradFilter: (...a) => {
          calls.filter++;
          return base.kernels.conv2dGradFilter(...a);
        },
      },
    };
    const e = nr.engine();
    const previous = e.backend;
    e.setBackendSync(spied);
    try {
      const x = nr.randomNormal([2, 5, 5, 1]);
      const w = nr.variable(nr.randomNormal([3, 3, 1, 2]), true, 'w_skip');
      const { value, grads } = nr.variableGrads(() => nr.sum(nr.conv2d(x, w, 1, 'same')));
      expect(calls).toEqual({ input: 0, filter: 1 });
      const [gx] = nr.grads((a) => nr.sum(nr.conv2d(a, w, 1, 'same')))([x]);
      expect(calls).toEqual({ input: 1, filter: 1 });
      nr.dispose([value, grads, gx, x, w]);
    } finally {
      e.setBackendSync(previous);
    }
  });
});
