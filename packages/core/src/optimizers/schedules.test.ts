import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';
import {
  cosineDecay,
  deserializeSchedule,
  exponentialDecay,
  piecewiseConstantDecay,
  stepDecay,
} from './schedules.js';
import { sgd } from './sgd.js';

beforeAll(async () => {
  await nr.setBackend(cpu());
});

describe('exponentialDecay', () => {
  it('decays continuously or in stairs', () => {
    const s = exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 });
    expect(s(0)).toBeCloseTo(0.1, 12);
    expect(s(5)).toBeCloseTo(0.1 * Math.SQRT1_2, 12); // 0.1 * 0.5^(5/10) = 0.0707107
    expect(s(10)).toBeCloseTo(0.05, 12);
    expect(s(20)).toBeCloseTo(0.025, 12);
    const st = exponentialDecay({
      initialLearningRate: 0.1,
      decaySteps: 10,
      decayRate: 0.5,
      staircase: true,
    });
    expect(st(9)).toBeCloseTo(0.1, 12); // floor(9/10) = 0
    expect(st(15)).toBeCloseTo(0.05, 12); // floor(1.5) = 1
    expect(st.className).toBe('ExponentialDecay');
    expect(st.config).toEqual({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5, staircase: true });
  });

  it('validates', () => {
    expect(() => exponentialDecay({ initialLearningRate: 0, decaySteps: 1, decayRate: 0.5 })).toThrow(
      "exponentialDecay: 'initialLearningRate' must be a finite number > 0, got 0",
    );
    expect(() => exponentialDecay({ initialLearningRate: 1, decaySteps: 0, decayRate: 0.5 })).toThrow(
      "exponentialDecay: 'decaySteps'",
    );
    const s = exponentialDecay({ initialLearningRate: 1, decaySteps: 1, decayRate: 0.5 });
    expect(() => s(-1)).toThrow('ExponentialDecay: step must be a number >= 0, got -1');
  });
});

describe('stepDecay', () => {
  it('multiplies by factor every dropEvery steps', () => {
    const s = stepDecay({ initialLearningRate: 0.1, dropEvery: 10, factor: 0.5 });
    expect(s(0)).toBeCloseTo(0.1, 12);
    expect(s(9)).toBeCloseTo(0.1, 12);
    expect(s(10)).toBeCloseTo(0.05, 12);
    expect(s(25)).toBeCloseTo(0.025, 12); // 0.1 * 0.5^2
    expect(s.className).toBe('StepDecay');
  });

  it('validates', () => {
    expect(() => stepDecay({ initialLearningRate: 0.1, dropEvery: 1.5, factor: 0.5 })).toThrow(
      "stepDecay: 'dropEvery' must be an integer >= 1, got 1.5",
    );
    expect(() => stepDecay({ initialLearningRate: 0.1, dropEvery: 2, factor: 0 })).toThrow(
      "stepDecay: 'factor'",
    );
  });
});

describe('piecewiseConstantDecay', () => {
  it('uses values[i] up to and including boundaries[i]', () => {
    const s = piecewiseConstantDecay({ boundaries: [10, 20], values: [1, 0.5, 0.1] });
    expect([0, 10, 11, 20, 21, 1000].map(s)).toEqual([1, 1, 0.5, 0.5, 0.1, 0.1]);
  });

  it('validates', () => {
    expect(() => piecewiseConstantDecay({ boundaries: [10], values: [1] })).toThrow(
      'piecewiseConstantDecay: expected boundaries.length + 1 = 2 values, got 1',
    );
    expect(() => piecewiseConstantDecay({ boundaries: [10, 5], values: [1, 2, 3] })).toThrow(
      'piecewiseConstantDecay: boundaries must be finite and strictly increasing, got [10, 5]',
    );
    expect(() => piecewiseConstantDecay({ boundaries: [1], values: [1, -1] })).toThrow(
      "piecewiseConstantDecay: 'values[1]' must be a finite number >= 0, got -1",
    );
  });
});

describe('cosineDecay', () => {
  it('follows half a cosine to alpha * lr', () => {
    const s = cosineDecay({ initialLearningRate: 0.1, decaySteps: 100 });
    expect(s(0)).toBeCloseTo(0.1, 12);
    expect(s(50)).toBeCloseTo(0.05, 12); // 0.1 * 0.5 (1 + cos(pi/2))
    expect(s(100)).toBeCloseTo(0, 12);
    expect(s(200)).toBeCloseTo(0, 12);
    const a = cosineDecay({ initialLearningRate: 0.1, decaySteps: 100, alpha: 0.1 });
    expect(a(50)).toBeCloseTo(0.055, 12); // 0.1 ((1 - 0.1) 0.5 + 0.1)
    expect(a(100)).toBeCloseTo(0.01, 12);
  });

  it('warms up linearly from 0 first', () => {
    const s = cosineDecay({ initialLearningRate: 0.1, decaySteps: 100, warmupSteps: 10 });
    expect(s(0)).toBe(0);
    expect(s(5)).toBeCloseTo(0.05, 12);
    expect(s(10)).toBeCloseTo(0.1, 12);
    expect(s(60)).toBeCloseTo(0.05, 12);
    expect(s(110)).toBeCloseTo(0, 12);
  });

  it('validates', () => {
    expect(() => cosineDecay({ initialLearningRate: 0.1, decaySteps: 10, alpha: 2 })).toThrow(
      "cosineDecay: 'alpha' must be in [0, 1], got 2",
    );
    expect(() => cosineDecay({ initialLearningRate: 0.1, decaySteps: 10, warmupSteps: -1 })).toThrow(
      "cosineDecay: 'warmupSteps'",
    );
  });
});

describe('deserializeSchedule', () => {
  it('round-trips every schedule', () => {
    const all = [
      exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5, staircase: true }),
      stepDecay({ initialLearningRate: 0.1, dropEvery: 3, factor: 0.5 }),
      piecewiseConstantDecay({ boundaries: [2, 4], values: [1, 0.5, 0.25] }),
      cosineDecay({ initialLearningRate: 0.1, decaySteps: 10, alpha: 0.2, warmupSteps: 2 }),
    ];
    for (const s of all) {
      const back = deserializeSchedule({ className: s.className, config: s.config });
      expect(back.config).toEqual(s.config);
      for (const step of [0, 1, 3, 5, 11]) expect(back(step)).toBe(s(step));
    }
    expect(() => deserializeSchedule({ className: 'Nope', config: {} })).toThrow(
      "deserializeSchedule: unknown schedule 'Nope' (known: ExponentialDecay, StepDecay, PiecewiseConstantDecay, CosineDecay)",
    );
  });
});

describe('schedules in an optimizer', () => {
  it('are evaluated at iterations before each update', async () => {
    // SGD, lr = 1 * 0.5^iterations, w = 0, g = 1: w = -1, -1.5, -1.75; next rate 0.125
    const opt = sgd({ learningRate: stepDecay({ initialLearningRate: 1, dropEvery: 1, factor: 0.5 }) });
    const w = nr.variable(nr.zeros([1]));
    const g = nr.ones([1]);
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) {
      expect(opt.learningRate).toBe(0.5 ** i);
      opt.applyGradients([{ variable: w, grad: g }]);
      seen.push((await w.data())[0]!);
    }
    expect(seen).toEqual([-1, -1.5, -1.75]);
    expect(opt.learningRate).toBe(0.125);
    expect(opt.getConfig().learningRate).toEqual({
      className: 'StepDecay',
      config: { initialLearningRate: 1, dropEvery: 1, factor: 0.5 },
    });
    opt.setLearningRate(0.01);
    expect(opt.learningRate).toBe(0.01);
    nr.dispose([w, g]);
    opt.dispose();
  });

  it('reject a schedule that returns a bad rate, before any change', async () => {
    const bad = Object.assign((_step: number) => Number.NaN, { className: 'Bad', config: {} });
    const opt = sgd({ learningRate: bad });
    const w = nr.variable(nr.zeros([1]));
    const g = nr.ones([1]);
    expect(() => opt.applyGradients([{ variable: w, grad: g }])).toThrow(
      'SGD.applyGradients: the learning-rate schedule returned NaN at step 0; expected a finite number >= 0',
    );
    expect(opt.iterations).toBe(0);
    expect(Array.from(await w.data())).toEqual([0]);
    nr.dispose([w, g]);
    opt.dispose();
  });
});
