import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';
import { Adagrad, adagrad } from './adagrad.js';
import { Adam, AdamW, adam, adamw } from './adam.js';
import { getOptimizer, type Optimizer } from './index.js';
import type { ClipOptions } from './optimizer.js';
import { RMSprop, rmsprop } from './rmsprop.js';
import { cosineDecay } from './schedules.js';
import { SGD, sgd } from './sgd.js';

beforeAll(async () => {
  await nr.setBackend(cpu());
});

async function values(t: nr.Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

function expectCloseTo(actual: number[], expected: number[], digits = 6): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    expect(a, `element ${i}`).toBeCloseTo(expected[i]!, digits);
  });
}

/** One SGD(lr = 1) step on w1 = [0, 0] (g1 = [3, 4], norm 5) and w2 = [0] (g2 = [0.5]); returns -g clipped. */
async function clippedGrads(clip: ClipOptions): Promise<number[][]> {
  const w1 = nr.variable(nr.zeros([2]));
  const w2 = nr.variable(nr.zeros([1]));
  const g1 = nr.tensor1d([3, 4]);
  const g2 = nr.tensor1d([0.5]);
  const opt = sgd({ learningRate: 1, ...clip });
  opt.applyGradients([
    { variable: w1, grad: g1 },
    { variable: w2, grad: g2 },
  ]);
  const out = [(await values(w1)).map((v) => -v), (await values(w2)).map((v) => -v)];
  nr.dispose([w1, w2, g1, g2]);
  opt.dispose();
  return out;
}

describe('clipping', () => {
  it('clipNorm rescales each gradient to norm <= c', async () => {
    // g1: norm 5 > 1 -> [3, 4] / 5 = [0.6, 0.8]; g2: norm 0.5 <= 1 -> unchanged
    const [a, b] = await clippedGrads({ clipNorm: 1 });
    expectCloseTo(a!, [0.6, 0.8]);
    expectCloseTo(b!, [0.5]);
  });

  it('globalClipNorm rescales all gradients by their joint norm', async () => {
    // joint norm sqrt(9 + 16 + 0.25) = sqrt(25.25) = 5.0249378; scale 1 / 5.0249378 = 0.1990074
    // g1 -> [0.5970223, 0.7960298]; g2 -> [0.0995037]
    const [a, b] = await clippedGrads({ globalClipNorm: 1 });
    expectCloseTo(a!, [0.5970223, 0.7960298]);
    expectCloseTo(b!, [0.0995037]);
    // Above the joint norm nothing changes.
    const [c, d] = await clippedGrads({ globalClipNorm: 6 });
    expectCloseTo(c!, [3, 4]);
    expectCloseTo(d!, [0.5]);
  });

  it('clipValue clamps elements, after norm clipping', async () => {
    const [a, b] = await clippedGrads({ clipValue: 0.5 });
    expectCloseTo(a!, [0.5, 0.5]);
    expectCloseTo(b!, [0.5]);
    // clipNorm 1 -> [0.6, 0.8], then clipValue 0.7 -> [0.6, 0.7]
    const [c] = await clippedGrads({ clipNorm: 1, clipValue: 0.7 });
    expectCloseTo(c!, [0.6, 0.7]);
  });

  it('leaves zero gradients finite', async () => {
    const w = nr.variable(nr.ones([2]));
    const g = nr.zeros([2]);
    for (const clip of [{ clipNorm: 1 }, { globalClipNorm: 1 }]) {
      const opt = sgd({ ...clip });
      opt.applyGradients([{ variable: w, grad: g }]);
      expect(await values(w)).toEqual([1, 1]);
      opt.dispose();
    }
    nr.dispose([w, g]);
  });

  it('validates the clip options', () => {
    expect(() => sgd({ clipNorm: 0 })).toThrow(
      "SGD: 'clipNorm' must be a finite number in (0, Infinity), got 0",
    );
    expect(() => adam({ clipValue: -1 })).toThrow("Adam: 'clipValue'");
    expect(() => rmsprop({ clipNorm: 1, globalClipNorm: 1 })).toThrow(
      "RMSprop: set at most one of 'clipNorm' and 'globalClipNorm', got both",
    );
    expect(adagrad({ globalClipNorm: 2, clipValue: 1 }).getConfig()).toMatchObject({
      globalClipNorm: 2,
      clipValue: 1,
    });
  });
});

describe('applyGradients', () => {
  it('accepts a record keyed by variable name with varList (as variableGrads returns)', async () => {
    const a = nr.variable(nr.tensor1d([1, 2]), true, 'opt_rec_a');
    const b = nr.variable(nr.tensor1d([3]), true, 'opt_rec_b');
    const opt = sgd({ learningRate: 0.5 });
    const { value, grads } = nr.variableGrads(() => nr.add(nr.sum(nr.square(a)), nr.sum(b)), [a, b]);
    // d/da = 2a = [2, 4]; d/db = 1 -> a = [1 - 1, 2 - 2], b = 3 - 0.5
    opt.applyGradients(grads, [a, b]);
    expect(await values(a)).toEqual([0, 0]);
    expect(await values(b)).toEqual([2.5]);
    expect(opt.iterations).toBe(1);
    nr.dispose([value, grads, a, b]);
    opt.dispose();
  });

  it('skips non-trainable variables and missing gradients; an empty update is a no-op', async () => {
    const a = nr.variable(nr.ones([1]), true, 'opt_skip_a');
    const frozen = nr.variable(nr.ones([1]), false, 'opt_skip_frozen');
    const g = nr.ones([1]);
    const opt = adam();
    opt.applyGradients([{ variable: frozen, grad: g }]);
    expect(opt.iterations).toBe(0);
    expect(opt.getWeights().length).toBe(1);
    opt.applyGradients({ opt_skip_frozen: g }, [a, frozen]); // a has no gradient, frozen is skipped
    expect(opt.iterations).toBe(0);
    expect(await values(frozen)).toEqual([1]);
    expect(await values(a)).toEqual([1]);
    nr.dispose([a, frozen, g]);
    opt.dispose();
  });

  it('names the variable in shape, dtype and form errors, before changing anything', async () => {
    const a = nr.variable(nr.zeros([2]), true, 'opt_err_a');
    const b = nr.variable(nr.zeros([2]), true, 'opt_err_b');
    const good = nr.ones([2]);
    const wrong = nr.ones([3]);
    const opt = sgd();
    expect(() =>
      opt.applyGradients([
        { variable: a, grad: good },
        { variable: b, grad: wrong },
      ]),
    ).toThrow("SGD.applyGradients: gradient of variable 'opt_err_b' must be float32 [2], got float32 [3]");
    expect(await values(a)).toEqual([0, 0]); // a was not updated either
    const intGrad = nr.tensor([1, 1], [2], 'int32');
    expect(() => opt.applyGradients([{ variable: a, grad: intGrad }])).toThrow(
      "gradient of variable 'opt_err_a' must be float32 [2], got int32 [2]",
    );
    expect(() => opt.applyGradients({ opt_err_a: good })).toThrow(
      "SGD.applyGradients: a record of gradients keyed by variable name needs 'varList'",
    );
    expect(() => opt.applyGradients({ nope: good }, [a, b])).toThrow(
      "SGD.applyGradients: gradient 'nope' matches no variable in varList (names: opt_err_a, opt_err_b)",
    );
    expect(() => opt.applyGradients([{ variable: a, grad: good }], [a])).toThrow(
      "'varList' is only used with a record",
    );
    expect(() =>
      opt.applyGradients([
        { variable: a, grad: good },
        { variable: a, grad: good },
      ]),
    ).toThrow("SGD.applyGradients: variable 'opt_err_a' appears twice");
    expect(() => opt.applyGradients([{ variable: a, grad: undefined as unknown as nr.Tensor }])).toThrow(
      "SGD.applyGradients: gradient of 'opt_err_a' is not a Tensor",
    );
    const intVar = nr.variable(nr.tensor([1], [1], 'int32'), true, 'opt_err_int');
    expect(() => opt.applyGradients([{ variable: intVar, grad: good }])).toThrow(
      "variable 'opt_err_int' is int32; optimizers update float32 variables",
    );
    expect(opt.iterations).toBe(0);
    nr.dispose([a, b, good, wrong, intGrad, intVar]);
    opt.dispose();
    expect(() => opt.applyGradients([])).toThrow('SGD.applyGradients: the optimizer is disposed');
  });

  it('leaks no tensor: only the slots stay, and dispose frees them', () => {
    const [a, b] = nr.tidy(() => [nr.variable(nr.randomNormal([3, 2])), nr.variable(nr.randomNormal([2]))]);
    const cases: [Optimizer, number][] = [
      [sgd({ momentum: 0.9, clipNorm: 1 }), 1],
      [adam({ amsgrad: true, globalClipNorm: 1 }), 3],
      [adamw({ clipValue: 0.1 }), 2],
      [rmsprop({ momentum: 0.5, centered: true }), 3],
      [adagrad(), 1],
    ];
    for (const [opt, slots] of cases) {
      const base = nr.memory();
      for (let i = 0; i < 3; i++) {
        const { value, grads } = nr.variableGrads(() => nr.sum(nr.square(nr.matMul(a, nr.expandDims(b, 1)))));
        opt.applyGradients([
          { variable: a, grad: grads[a.name]! },
          { variable: b, grad: grads[b.name]! },
        ]);
        nr.dispose([value, grads]);
      }
      const after = nr.memory();
      expect(after.numTensors, opt.className).toBe(base.numTensors + 2 * slots);
      expect(after.numDataBuffers, opt.className).toBe(base.numDataBuffers + 2 * slots);
      opt.dispose();
      expect(nr.memory(), opt.className).toEqual(base);
    }
    nr.dispose([a, b]);
  });
});

describe('getWeights / setWeights', () => {
  it('orders weights as iterations, then each slot for every variable', () => {
    const a = nr.variable(nr.zeros([2]));
    const b = nr.variable(nr.zeros([3]));
    const opt = adam();
    opt.build([a, b]);
    const ws = opt.getWeights();
    expect(ws.map((w) => w.shape)).toEqual([[], [2], [3], [2], [3]]);
    expect(ws[0]!.dtype).toBe('int32');
    nr.dispose([ws, a, b]);
    opt.dispose();
  });

  it('a restored optimizer continues identically', async () => {
    const grads = [
      [0.5, -1],
      [0.2, 0.3],
      [-0.4, 0.1],
      [1, 1],
    ];
    const step = (opt: Optimizer, w: nr.Variable, g: number[]): void => {
      const gt = nr.tensor1d(g);
      opt.applyGradients([{ variable: w, grad: gt }]);
      gt.dispose();
    };
    for (const make of [
      () => adam({ learningRate: 0.1, amsgrad: true }),
      () => sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true }),
      () => rmsprop({ learningRate: 0.1, momentum: 0.5, centered: true }),
      () => adagrad({ learningRate: 0.1 }),
      () => adamw({ learningRate: cosineDecay({ initialLearningRate: 0.1, decaySteps: 4 }) }),
    ]) {
      const first = make();
      const w = nr.variable(nr.tensor1d([1, -1]));
      step(first, w, grads[0]!);
      step(first, w, grads[1]!);
      const saved = first.getWeights();
      const savedW = await values(w);
      step(first, w, grads[2]!);
      step(first, w, grads[3]!);
      const expected = await values(w);

      const second = make();
      const w2 = nr.variable(nr.tensor1d(savedW));
      second.build([w2]);
      second.setWeights(saved);
      nr.dispose(saved); // setWeights does not need them afterwards
      expect(second.iterations).toBe(2);
      step(second, w2, grads[2]!);
      step(second, w2, grads[3]!);
      expect(await values(w2), first.className).toEqual(expected);
      nr.dispose([w, w2]);
      first.dispose();
      second.dispose();
    }
  });

  it('explains count and shape mismatches', () => {
    const a = nr.variable(nr.zeros([2]));
    const opt = adam();
    const it = nr.scalar(3, 'int32');
    const m = nr.zeros([2]);
    expect(() => opt.setWeights([it, m, m])).toThrow(
      'Adam.setWeights: expected 1 weights (iterations + 2 slot(s) for each of 0 variable(s)), got 3; call build(variables) first to create the slots',
    );
    opt.setWeights([it]);
    expect(opt.iterations).toBe(3);
    opt.build([a]);
    const bad = nr.zeros([3]);
    expect(() => opt.setWeights([it, m, bad])).toThrow(
      /Adam.setWeights: weight 2 \('Adam\/.*\/v'\) must be float32 \[2\], got float32 \[3\]/,
    );
    expect(() => opt.setWeights([m, m, m])).toThrow(
      'Adam.setWeights: weight 0 (iterations) must be a scalar tensor',
    );
    nr.dispose([a, it, m, bad]);
    opt.dispose();
  });
});

describe('getOptimizer', () => {
  it('resolves names case-insensitively with the defaults', () => {
    const cases: [string, abstract new (...args: never[]) => Optimizer][] = [
      ['sgd', SGD],
      ['Adam', Adam],
      ['ADAMW', AdamW],
      ['rmsprop', RMSprop],
      ['AdaGrad', Adagrad],
    ];
    for (const [name, cls] of cases) {
      const o = getOptimizer(name);
      expect(o).toBeInstanceOf(cls);
      o.dispose();
    }
    expect(getOptimizer('sgd').learningRate).toBe(0.01);
    expect(getOptimizer('adagrad').className).toBe('Adagrad');
    const o = adam();
    expect(getOptimizer(o)).toBe(o);
  });

  it('throws on unknown names, listing the known ones', () => {
    expect(() => getOptimizer('nadam')).toThrow(
      "getOptimizer: unknown optimizer 'nadam' (known: sgd, adam, adamw, rmsprop, adagrad)",
    );
    expect(() => getOptimizer('constructor')).toThrow("unknown optimizer 'constructor'");
  });

  it('rebuilds an optimizer from className + getConfig, schedules included', () => {
    const originals: Optimizer[] = [
      sgd({ learningRate: 0.2, momentum: 0.5, nesterov: true, clipNorm: 2 }),
      adamw({ learningRate: cosineDecay({ initialLearningRate: 0.1, decaySteps: 50 }), weightDecay: 0.01 }),
      rmsprop({ centered: true, clipValue: 1 }),
    ];
    for (const o of originals) {
      const back = getOptimizer({ className: o.className, config: o.getConfig() });
      expect(back.className).toBe(o.className);
      expect(back.getConfig()).toEqual(o.getConfig());
    }
  });

  it('validates setLearningRate', () => {
    const o = sgd();
    expect(() => o.setLearningRate(-1)).toThrow(
      "SGD.setLearningRate: 'learningRate' must be a finite number",
    );
    expect(() => o.setLearningRate((() => 1) as unknown as number)).toThrow('a schedule from nr.optimizers');
  });
});
