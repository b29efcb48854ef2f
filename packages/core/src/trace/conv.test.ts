import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';

beforeAll(async () => {
  await nr.setBackend(cpu());
});

function expectValues(a: nr.TraceArray | null | undefined, expected: ArrayLike<number>, tol = 1e-5): void {
  expect(a).toBeTruthy();
  expect(a!.data.length).toBe(expected.length);
  a!.data.forEach((v, i) => {
    expect(Math.abs(v - expected[i]!), `entry ${i}: ${v} vs ${expected[i]}`).toBeLessThan(tol);
  });
}

/** Entry `k` of the last axis of row-major `data` with `c` channels. */
const channelOf = (data: ArrayLike<number>, c: number, k: number) =>
  Array.from({ length: data.length / c }, (_, i) => data[i * c + k]!);

describe('nr.trace on a CNN', () => {
  it('conv2d (per filter) and max pooling agree with autodiff of the same network written with ops', async () => {
    nr.seed(7);
    const m = nr.sequential({
      layers: [
        nr.layers.conv2d({
          filters: 2,
          kernelSize: 2,
          activation: 'relu',
          inputShape: [4, 4, 1],
          name: 'conv',
        }),
        nr.layers.maxPooling2d({ poolSize: 2, name: 'pool' }),
        nr.layers.flatten({ name: 'flat' }),
        nr.layers.dense({ units: 1, name: 'out' }),
      ],
    });
    m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const x = nr.randomNormal([2, 4, 4, 1]);
    const y = nr.tensor2d([[0.5], [-0.5]]);
    const before = nr.memory().numTensors;
    const t = await nr.trace(m, x, y, { learningRate: 0.05 });
    expect(nr.memory().numTensors).toBe(before);
    expect(t.layers.map((l) => l.kind)).toEqual(['conv2d', 'pooling', 'layer', 'dense']);

    // The reference: the same network from ops (conv2d, relu, maxPool, reshape, matMul), differentiated by
    // the CPU autodiff with respect to the weights and to z = x * W + b.
    const [wc, bc, wd, bd] = m.getWeights() as [nr.Tensor, nr.Tensor, nr.Tensor, nr.Tensor];
    const fromZ = (z: nr.Tensor, wd2: nr.Tensor, bd2: nr.Tensor) =>
      nr.mean(
        nr.square(nr.sub(nr.add(nr.matMul(nr.reshape(nr.maxPool(nr.relu(z), 2), [2, 2]), wd2), bd2), y)),
      );
    const convZ = (w: nr.Tensor, b: nr.Tensor) => nr.add(nr.conv2d(x, w, 1, 'valid'), b);
    const ref = nr.valueAndGrads((w, b, w2, b2) => fromZ(convZ(w, b), w2, b2))([wc, bc, wd, bd]);
    const z = convZ(wc, bc);
    const dz = nr.grads((zz) => fromZ(zz, wd, bd))([z])[0]!;
    const [loss, gW, gB, zv, dzv] = await Promise.all(
      [ref.value, ...ref.grads.slice(0, 2), z, dz].map((v) => v.data()),
    );
    expect(Math.abs(t.loss - loss![0]!)).toBeLessThan(1e-6);

    const conv = t.layer('conv');
    expectValues(conv.z, zv!);
    expectValues(conv.delta, dzv!);
    expectValues(conv.params[0]!.grad, gW!);
    expectValues(conv.params[1]!.grad, gB!);
    // per filter: the slices of the kernel, the feature map, delta and the gradients
    expect(conv.filters!.length).toBe(2);
    for (const f of conv.filters!) {
      expect(f.kernel.shape).toEqual([2, 2, 1]);
      expect(f.z.shape).toEqual([2, 3, 3]);
      expectValues(f.z, channelOf(zv!, 2, f.index));
      expectValues(
        f.a,
        channelOf(zv!, 2, f.index).map((v) => Math.max(0, v)),
      );
      expectValues(f.delta, channelOf(dzv!, 2, f.index));
      expectValues(f.gradKernel, channelOf(gW!, 2, f.index));
      expect(Math.abs(f.gradBias - gB![f.index]!)).toBeLessThan(1e-5);
      expectValues(
        f.updateKernel,
        channelOf(gW!, 2, f.index).map((g) => -0.05 * g),
      );
    }

    // max pooling routes each window's gradient to its largest input, zero elsewhere
    const pool = t.layer('pool');
    const a = pool.inputs[0]!;
    const dIn = pool.gradInputs[0]!;
    const dOut = pool.gradOutputs[0]!;
    expect(pool.outputs[0]!.shape).toEqual([2, 1, 1, 2]);
    expectValues(dIn, conv.gradOutputs[0]!.data);
    for (let n = 0; n < 2; n++) {
      for (let k = 0; k < 2; k++) {
        const idx = [0, 1].flatMap((r) => [0, 1].map((c) => ((n * 3 + r) * 3 + c) * 2 + k));
        const best = idx.reduce((p, i) => (a.data[i]! > a.data[p]! ? i : p), idx[0]!);
        for (const i of idx) expect(dIn.data[i]).toBeCloseTo(i === best ? dOut.data[n * 2 + k]! : 0, 6);
      }
    }
    const md = t.toMarkdown();
    expect(md).toContain('Per filter $k$ (output channel) of layer 1');
    expect(md).toContain('$z^{(1)} = x * W^{(1)} + b^{(1)}$');
    expect(md).toContain('\\mathrm{MaxPooling2D}(a^{(1)})');
    nr.dispose([x, y, wc, bc, wd, bd, ref.value, ...ref.grads, z, dz]);
    m.dispose();
  });

  it('batch normalisation keeps its moving statistics unless the step is applied', async () => {
    nr.seed(1);
    const m = nr.sequential({
      layers: [
        nr.layers.dense({ units: 3, inputShape: [2] }),
        nr.layers.batchNormalization(),
        nr.layers.dense({ units: 1 }),
      ],
    });
    m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const x = nr.randomNormal([4, 2]);
    const y = nr.randomNormal([4, 1]);
    const read = async () => Promise.all(m.weights.map(async (w) => Array.from(await w.data())));
    const start = await read();
    await nr.trace(m, x, y, { learningRate: 0.1 });
    expect(await read()).toEqual(start);
    await nr.trace(m, x, y, { learningRate: 0.1, apply: true });
    const moved = await read();
    // every weight moved, the moving mean and variance included (as fit moves them)
    for (const [i, w] of moved.entries()) expect(w).not.toEqual(start[i]);
    nr.dispose([x, y]);
    m.dispose();
  });
});

describe('nr.trace on a functional model', () => {
  it('traces node by node with each node inputs named, gradients as autodiff gives them', async () => {
    nr.seed(5);
    const a = nr.input({ shape: [3], name: 'a' });
    const b = nr.input({ shape: [3], name: 'b' });
    const h = nr.layers.dense({ units: 3, activation: 'tanh', name: 'h' }).apply(a);
    const s = nr.layers.add({ name: 'sum' }).apply([h, b]);
    const out = nr.layers.dense({ units: 1, activation: 'sigmoid', name: 'out' }).apply(s);
    const m = nr.model({ inputs: [a, b], outputs: out });
    m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
    const xa = nr.randomNormal([4, 3]);
    const xb = nr.randomNormal([4, 3]);
    const y = nr.tensor2d([[1], [0], [1], [0]]);
    const before = nr.memory().numTensors;
    const t = await nr.trace(m, { a: xa, b: xb }, y, { learningRate: 0.1 });
    expect(nr.memory().numTensors).toBe(before);
    expect(t.layers.map((l) => [l.name, l.inbound])).toEqual([
      ['h', ['a']],
      ['sum', ['h', 'b']],
      ['out', ['sum']],
    ]);
    const sum = t.layer('sum');
    expectValues(sum.gradInputs[0], sum.gradOutputs[0]!.data);
    expectValues(sum.gradInputs[1], sum.gradOutputs[0]!.data);
    // binary cross-entropy written out: -mean(y log p + (1 - y) log(1 - p))
    const { value, grads } = nr.variableGrads(() => {
      const p = m.apply([xa, xb]) as nr.Tensor;
      const terms = nr.add(nr.mul(y, nr.log(p)), nr.mul(nr.sub(1, y), nr.log(nr.sub(1, p))));
      return nr.neg(nr.mean(terms));
    });
    expect(Math.abs(t.loss - (await value.data())[0]!)).toBeLessThan(1e-6);
    for (const l of t.layers)
      for (const p of l.params) expectValues(p.grad, Array.from(await grads[p.name]!.data()), 1e-6);
    // sigmoid + binary cross-entropy: delta of the output is (y-hat - y) / n
    const o = t.layer('out');
    expectValues(
      o.delta,
      Array.from(o.outputs[0]!.data, (p, i) => (p - [1, 0, 1, 0][i]!) / 4),
      1e-6,
    );
    const md = t.toMarkdown();
    expect(md).toContain('\\mathrm{Add}(a^{(1)}, x_{\\mathrm{b}})');
    nr.dispose([xa, xb, y, value, ...Object.values(grads)]);
    m.dispose();
  });

  it('two outputs: a loss per output and their weighted total; a shared layer appears once per node', async () => {
    nr.seed(9);
    const x = nr.input({ shape: [2], name: 'x' });
    const shared = nr.layers.dense({ units: 2, activation: 'tanh', name: 'shared' });
    const h = shared.apply(shared.apply(x));
    const p = nr.layers.dense({ units: 1, name: 'p' }).apply(h);
    const q = nr.layers.dense({ units: 1, activation: 'sigmoid', name: 'q' }).apply(h);
    const m = nr.model({ inputs: x, outputs: [p, q] });
    m.compile({ optimizer: 'sgd', loss: ['meanSquaredError', 'binaryCrossentropy'], lossWeights: [1, 0.5] });
    const xs = nr.randomNormal([3, 2]);
    const yp = nr.randomNormal([3, 1]);
    const yq = nr.tensor2d([[1], [0], [1]]);
    const t = await nr.trace(m, xs, [yp, yq], { learningRate: 0.1 });
    expect(t.losses.map((l) => [l.output, l.lossName])).toEqual([
      ['p', 'meanSquaredError'],
      ['q', 'binaryCrossentropy'],
    ]);
    expect(Math.abs(t.loss - (t.losses[0]!.value + 0.5 * t.losses[1]!.value))).toBeLessThan(1e-6);
    expect(t.layers.map((l) => l.name)).toEqual(['shared', 'shared', 'p', 'q']);
    // the second call reads the first; both report the shared kernel's total gradient
    expectValues(t.layers[1]!.inputs[0], t.layers[0]!.outputs[0]!.data);
    expectValues(t.layers[1]!.params[0]!.grad, t.layers[0]!.params[0]!.grad.data);
    const ev = await m.evaluate(xs, [yp, yq]);
    expect(Math.abs(t.loss - ev.loss!)).toBeLessThan(1e-5);
    expect(t.toMarkdown()).toContain('$z^{(2)} = a^{(1)} W^{(2)} + b^{(2)}$');
    nr.dispose([xs, yp, yq]);
    m.dispose();
  });
});
