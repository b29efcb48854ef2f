import { describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';
import type { Optimizer } from './optimizer.js';

/** The same backend without the fused in-place kernel, so optimizers run their per-variable composite. */
function withoutFusedUpdate(base: nr.Backend): nr.Backend {
  const { optimizerUpdate: _dropped, ...kernels } = base.kernels;
  return { ...base, name: `${base.name}-composite`, kernels };
}

const SHAPES = [[3, 5], [5], [7, 2], [1]] as const;

/** Deterministic starting values (a few of them negative, none zero). */
function initial(shape: readonly number[], salt: number): number[] {
  const n = shape.reduce((a, b) => a * b, 1);
  return Array.from({ length: n }, (_, i) => Math.sin(1.3 * i + salt) * (1 + (i % 3)));
}

/**
 * Run `steps` updates of a loss whose gradient depends on the current weights (so any divergence between
 * two paths grows), on the active backend; return the final weights and the optimizer's slots.
 */
async function train(
  make: () => Optimizer,
  steps: number,
): Promise<{ weights: number[][]; slots: number[][] }> {
  const vars = SHAPES.map((s, k) => nr.variable(nr.tensor(initial(s, k), [...s]), true, `w${k}`));
  const opt = make();
  const before = nr.memory();
  for (let step = 0; step < steps; step++) {
    const { value, grads } = nr.variableGrads(() => {
      let loss: nr.Tensor = nr.scalar(0);
      vars.forEach((v, k) => {
        const target = nr.scalar(0.25 * k - 0.3);
        loss = nr.add(loss, nr.sum(nr.square(nr.sub(nr.tanh(nr.mul(v, 1.5)), target))));
        loss = nr.add(loss, nr.mul(nr.sum(nr.square(v)), 0.05 * (k + 1)));
      });
      return loss;
    }, vars);
    opt.applyGradients(grads, vars);
    nr.dispose([value, ...Object.values(grads)]);
    // Slots appear on the first step; afterwards each step leaves memory exactly as it was.
    if (step === 1) Object.assign(before, nr.memory());
    if (step > 1) expect(nr.memory()).toEqual(before);
  }
  const weights = await Promise.all(vars.map(async (v) => Array.from(await v.data())));
  const saved = opt.getWeights();
  const slots = await Promise.all(saved.slice(1).map(async (t) => Array.from(await t.data())));
  nr.dispose([...saved, ...vars]);
  opt.dispose();
  return { weights, slots };
}

function expectRelClose(actual: number[][], expected: number[][], what: string): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, r) => {
    row.forEach((a, i) => {
      const e = expected[r]![i]!;
      expect(Math.abs(a - e), `${what} ${r}[${i}]: ${a} vs ${e}`).toBeLessThanOrEqual(
        1e-6 * Math.max(1, Math.abs(e)),
      );
    });
  });
}

const schedule = () =>
  nr.optimizers.exponentialDecay({ initialLearningRate: 0.05, decaySteps: 10, decayRate: 0.5 });

const CASES: [string, () => Optimizer][] = [
  ['Adam', () => nr.optimizers.adam({ learningRate: 0.05 })],
  [
    'Adam (amsgrad, clipNorm, schedule)',
    () => nr.optimizers.adam({ learningRate: schedule(), amsgrad: true, clipNorm: 0.5 }),
  ],
  ['SGD', () => nr.optimizers.sgd({ learningRate: 0.05 })],
  [
    'SGD + momentum (globalClipNorm)',
    () => nr.optimizers.sgd({ learningRate: 0.05, momentum: 0.9, globalClipNorm: 1 }),
  ],
  [
    'SGD + Nesterov (clipValue, schedule)',
    () => nr.optimizers.sgd({ learningRate: schedule(), momentum: 0.8, nesterov: true, clipValue: 0.3 }),
  ],
  [
    'RMSprop (centered, momentum)',
    () => nr.optimizers.rmsprop({ learningRate: 0.01, momentum: 0.5, centered: true }),
  ],
  ['RMSprop', () => nr.optimizers.rmsprop({ learningRate: 0.01, clipNorm: 1 })],
  ['Adagrad', () => nr.optimizers.adagrad({ learningRate: 0.1 })],
];

const BACKENDS: [string, () => nr.Backend][] = [
  ['reference CPU', () => cpu({ fast: false })],
  ['fast CPU', () => cpu()],
];

for (const [backendLabel, make] of BACKENDS) {
  describe(`fused in-place optimizer update on the ${backendLabel} backend`, () => {
    for (const [label, opt] of CASES) {
      it(`${label}: 50 in-place steps equal the composite path`, async () => {
        await nr.setBackend(withoutFusedUpdate(make()));
        const composite = await train(opt, 50);
        await nr.setBackend(make());
        expect(typeof nr.getBackend().kernels.optimizerUpdate).toBe('function');
        const fused = await train(opt, 50);
        expectRelClose(fused.weights, composite.weights, 'weight');
        expectRelClose(fused.slots, composite.slots, 'slot');
        // The path really moved: the weights are not their initial values.
        expect(fused.weights[0]![0]).not.toBeCloseTo(initial(SHAPES[0], 0)[0]!, 3);
      });
    }

    it('updates the storage in place, and copies storage shared with another tensor first', async () => {
      await nr.setBackend(make());
      const e = nr.engine();
      const t = nr.tensor([1, 2, 3]);
      const w = nr.variable(t); // shares t's storage
      const opt = nr.optimizers.sgd({ learningRate: 0.5, momentum: 0.5 });
      const g = nr.tensor([1, 1, 1]);
      const copies = e.copiesOnWrite;
      opt.applyGradients([{ variable: w, grad: g }]);
      expect(e.copiesOnWrite).toBe(copies + 1);
      expect(Array.from(await t.data())).toEqual([1, 2, 3]); // the shared tensor is untouched
      expect(Array.from(await w.data())).toEqual([0.5, 1.5, 2.5]);
      const handle = w.storage.handle;
      const view = nr.reshape(w, [3, 1]); // a view shares the storage again
      opt.applyGradients([{ variable: w, grad: g }]);
      expect(e.copiesOnWrite).toBe(copies + 2);
      expect(Array.from(await view.data())).toEqual([0.5, 1.5, 2.5]);
      // v = 0.5 * -0.5 - 0.5 = -0.75
      expect(Array.from(await w.data())).toEqual([-0.25, 0.75, 1.75]);
      view.dispose();
      const own = w.storage.handle;
      expect(own).not.toBe(handle);
      opt.applyGradients([{ variable: w, grad: g }]);
      expect(w.storage.handle).toBe(own); // exclusive storage: updated in place, no copy
      expect(e.copiesOnWrite).toBe(copies + 2);
      nr.dispose([t, w, g]);
      opt.dispose();
    });

    it('leaves the gradient and a variable sharing the gradient storage consistent', async () => {
      await nr.setBackend(make());
      const w = nr.variable(nr.zeros([2]));
      const g = nr.tensor([2, 4]);
      w.assign(g); // w now shares g's storage
      const opt = nr.optimizers.sgd({ learningRate: 0.25 });
      opt.applyGradients([{ variable: w, grad: g }]);
      expect(Array.from(await g.data())).toEqual([2, 4]);
      expect(Array.from(await w.data())).toEqual([1.5, 3]);
      nr.dispose([w, g]);
      opt.dispose();
    });
  });
}

describe('Optimizer.setWeights on a backend that reads only asynchronously', () => {
  it('restores the slots at once and iterations when the returned promise resolves', async () => {
    const { readSync: _dropped, ...base } = cpu();
    await nr.setBackend(base);
    const w = nr.variable(nr.tensor([1, -1]));
    const opt = nr.optimizers.adam({ learningRate: 0.1 });
    opt.build([w]);
    const it = nr.scalar(7, 'int32');
    const m = nr.tensor([0.5, 0.25]);
    const v = nr.tensor([1, 2]);
    const done = opt.setWeights([it, m, v]);
    nr.dispose([it, m, v]); // the read was started before returning
    await done;
    expect(opt.iterations).toBe(7);
    const saved = opt.getWeights();
    expect(Array.from(await saved[1]!.data())).toEqual([0.5, 0.25]);
    expect(Array.from(await saved[2]!.data())).toEqual([1, 2]);
    const bad = nr.scalar(-1, 'int32');
    await expect(opt.setWeights([bad, saved[1]!, saved[2]!])).rejects.toThrow(
      'Adam.setWeights: iterations must be an integer >= 0, got -1',
    );
    nr.dispose([...saved, bad, w]);
    opt.dispose();
  });
});

describe('fused in-place update on the fast CPU backend, data outside WebAssembly memory', () => {
  it('updates a variable whose data lives in a JavaScript array (reference loop), as the composite does', async () => {
    const run = async (backend: nr.Backend): Promise<number[]> => {
      await nr.setBackend(backend);
      // `where` runs on the reference kernels, so its output (and the variable) lives in a JavaScript array.
      const w = nr.tidy(() => nr.variable(nr.where(nr.greater([1, 1, 1, 1, 1], 0), [1, -2, 3, -4, 5], 0)));
      // A variable in WebAssembly memory whose gradient is in a JavaScript array (copied in for the pass).
      const u = nr.tidy(() => nr.variable(nr.tensor([0.5, 1.5, -2.5, 4, 6])));
      const opt = nr.optimizers.adam({ learningRate: 0.1, amsgrad: true });
      for (let t = 0; t < 5; t++) {
        const g = nr.tidy(() => nr.where(nr.greater([1, 1, 1, 1, 1], 0), [0.5 * t, -1, 2, t, -3], 0));
        opt.applyGradients([
          { variable: w, grad: g },
          { variable: u, grad: g },
        ]);
        g.dispose();
      }
      const out = [...(await w.data()), ...(await u.data())];
      nr.dispose([w, u]);
      opt.dispose();
      return out;
    };
    const want = await run(withoutFusedUpdate(cpu()));
    const got = await run(cpu());
    expectRelClose([got], [want], 'weight');
  });
});
