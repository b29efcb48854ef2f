import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';

/**
 * Float32 replay of SGD on y = w2 * (w1 * x) with the mean squared error, in the order a step computes:
 * forward of layer A, forward of layer B, the loss, the backward pass, the update. Returns the step and the
 * stage of the first non-finite value, and the inputs of that product.
 */
function replay(eta: number, w1: number, w2: number, x: number, t: number) {
  const f = Math.fround;
  for (let step = 1; step <= 100; step++) {
    const z1 = f(w1 * x);
    if (!Number.isFinite(z1)) return { step, stage: 'forward A', inputs: [x, w1] };
    const y = f(w2 * z1);
    if (!Number.isFinite(y)) return { step, stage: 'forward B', inputs: [z1, w2] };
    const r = f(y - t);
    const loss = f(r * r);
    if (!Number.isFinite(loss)) return { step, stage: 'loss', inputs: [r] };
    const dy = f(2 * r);
    const dw2 = f(dy * z1);
    const dw1 = f(f(dy * w2) * x);
    if (!Number.isFinite(dw2) || !Number.isFinite(dw1)) return { step, stage: 'backward', inputs: [] };
    const n2 = f(w2 - f(eta * dw2));
    const n1 = f(w1 - f(eta * dw1));
    if (!Number.isFinite(n1) || !Number.isFinite(n2)) return { step, stage: 'update', inputs: [] };
    w1 = n1;
    w2 = n2;
  }
  return null;
}

function twoLayers(w1: number, w2: number): nr.Sequential {
  const dense = (value: number, extra: object) =>
    nr.layers.dense({
      units: 1,
      useBias: false,
      kernelInitializer: nr.initializers.constant({ value }),
      ...extra,
    });
  return nr.sequential({
    layers: [dense(w1, { inputShape: [1], name: 'layer_a' }), dense(w2, { name: 'layer_b' })],
  });
}

describe('nr.debug({ nonFinite: true })', () => {
  beforeAll(async () => {
    await nr.setBackend(cpu());
  });

  afterEach(async () => {
    nr.debug({ leaks: false, nonFinite: false });
    await nr.setBackend(cpu());
  });

  it('stops an exploding learning rate at the first bad op, naming the layer, the step and the input ranges', async () => {
    const eta = 5;
    const want = replay(eta, 1, 0.5, 1, 0)!;
    expect(want.stage).toBe('forward B'); // the replay's verdict: layer_b's product overflows first
    const model = twoLayers(1, 0.5);
    model.compile({ optimizer: nr.optimizers.sgd({ learningRate: eta }), loss: 'mse' });
    const x = nr.tensor([[1]]);
    const y = nr.tensor([[0]]);
    nr.debug({ nonFinite: true });
    const count = nr.memory().numTensors;
    const err = await model.fit(x, y, { epochs: 100, verbose: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(nr.NonFiniteError);
    const e = err as nr.NonFiniteError;
    expect(e.step).toBe(want.step);
    expect(e.site.owner).toEqual({ kind: 'layer', name: 'layer_b', className: 'Dense' });
    expect(e.site.backward).toBe(false);
    expect(e.value).toBe(Number.POSITIVE_INFINITY * Math.sign(want.inputs[0]! * want.inputs[1]!));
    // The op's inputs are z1 = w1 * x and w2 at that step, as the replay has them.
    const seen = e.inputs.map((r) => r.max);
    for (const v of want.inputs) expect(seen.some((s) => Math.abs(s - v) <= Math.abs(v) * 1e-5)).toBe(true);
    expect(e.message).toMatch(
      new RegExp(
        `^nr.debug nonFinite: step ${want.step}: layer Dense 'layer_b' \\(forward\\), op '\\w+' produced -?Infinity at flat index 0 of its output \\[1(, 1)+\\]; inputs: \\[1(, 1)+\\] in \\[`,
      ),
    );
    expect(model.optimizer!.iterations).toBe(want.step - 1); // the bad step never updated the weights
    expect(nr.memory().numTensors).toBe(count);
    model.dispose();
    x.dispose();
    y.dispose();
  });

  it('names the optimizer and the variable when an update is the first non-finite value', async () => {
    const model = twoLayers(1, 1);
    model.compile({ optimizer: nr.optimizers.sgd({ learningRate: 1e38 }), loss: 'mse' });
    const x = nr.tensor([[10]]);
    const y = nr.tensor([[0]]);
    nr.debug({ nonFinite: true });
    // Step 1: loss 100, dL/dw = 200 each, so w - 1e38 * 200 overflows in the update (nothing earlier does).
    await expect(model.fit(x, y, { epochs: 2, verbose: 0 })).rejects.toThrow(
      /^nr.debug nonFinite: step 1: optimizer 'SGD'.* updating variable 'layer_a\/kernel' produced -Infinity/,
    );
    model.dispose();
    x.dispose();
    y.dispose();
  });

  it('costs nothing when off: no hooks, no reads', async () => {
    let reads = 0;
    const base = cpu();
    const counting: nr.Backend = {
      ...base,
      readSync: (h) => {
        reads++;
        return base.readSync!(h);
      },
    };
    await nr.setBackend(counting);
    const model = twoLayers(0.5, 0.5);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = nr.tensor([[1], [2]]);
    const y = nr.tensor([[1], [0]]);
    const readsOfFit = async () => {
      const start = reads;
      await model.fit(x, y, { epochs: 2, verbose: 0 });
      return reads - start;
    };
    expect(nr.engine().hooks).toBeNull();
    const never = await readsOfFit(); // fit's own reads of its batch statistics
    nr.debug({ nonFinite: true });
    expect(nr.engine().hooks).not.toBeNull();
    const on = await readsOfFit();
    nr.debug({ nonFinite: false });
    expect(nr.engine().hooks).toBeNull();
    expect(await readsOfFit()).toBe(never);
    expect(on).toBeGreaterThan(never + 20); // every float kernel output of the 2 steps was read
    model.dispose();
    x.dispose();
    y.dispose();
  });

  it('needs a backend that reads synchronously, and says so', async () => {
    const { readSync: _dropped, ...base } = cpu();
    await nr.setBackend({ ...base, name: 'async-only' });
    nr.debug({ nonFinite: true });
    expect(() => nr.add(nr.tensor([1]), 1)).toThrow(
      /nr.debug\(\{ nonFinite: true \}\): backend 'async-only' has no synchronous read \(readSync\)/,
    );
  });

  it('rejects unknown options', () => {
    expect(() => nr.debug({ nan: true } as nr.DebugOptions)).toThrow(
      "nr.debug: unknown option 'nan' (expected 'leaks' or 'nonFinite')",
    );
    expect(() => nr.debug({ leaks: 1 as unknown as boolean })).toThrow(
      "nr.debug: 'leaks' must be true or false, got 1",
    );
  });
});
