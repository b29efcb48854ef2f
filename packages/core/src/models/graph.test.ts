import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';

beforeAll(async () => {
  await nr.setBackend(cpu({ fast: false }));
});

/** A layer that notes how many tensors are live when it runs, then doubles its input. */
class Probe extends nr.Layer {
  static override readonly className = 'GraphTestProbe';
  readonly live: number[] = [];
  override call(x: nr.Tensor | nr.Tensor[]): nr.Tensor {
    this.live.push(nr.memory().numTensors);
    return nr.mul(x as nr.Tensor, 2);
  }
}

/** A chain input -> probe -> ... -> probe (n layers), and a residual `add` of the first and last outputs. */
function chain(n: number): { model: nr.LayersModel; probes: Probe[] } {
  const input = nr.input({ shape: [4] });
  const probes = Array.from({ length: n }, () => new Probe());
  let h = input;
  let first: nr.SymbolicTensor | null = null;
  for (const p of probes) {
    h = p.apply(h) as nr.SymbolicTensor;
    first ??= h;
  }
  const out = nr.layers.add().apply([first!, h]) as nr.SymbolicTensor;
  return { model: nr.model({ inputs: input, outputs: out }), probes };
}

describe('running a functional graph', () => {
  it('frees an intermediate once its last reader has run (outside a gradient tape)', async () => {
    const { model, probes } = chain(6);
    const x = nr.ones([2, 4]);
    const before = nr.memory().numTensors;
    const y = nr.tidy(() => model.predict(x) as nr.Tensor);
    // Live when each probe runs: x, the first probe's output (read again by the add), and the previous one.
    const live = probes.map((p) => p.live[0]! - before);
    expect(live.slice(2)).toEqual([2, 2, 2, 2]);
    // first = 2, last = 2^6: the add sums them.
    expect(Array.from(await y.data())).toEqual(new Array(8).fill(2 + 64));
    expect(nr.memory().numTensors).toBe(before + 1);
    nr.dispose([x, y]);
    model.dispose();
  });

  it('keeps intermediates a gradient tape recorded, and the gradient is right', async () => {
    const { model, probes } = chain(4);
    const x = nr.ones([1, 4]);
    const g = nr.grad((v) => nr.sum(model.apply(v) as nr.Tensor))(x);
    // d/dx (2x + 16x) = 18 per element.
    expect(Array.from(await g.data())).toEqual([18, 18, 18, 18]);
    const live = probes.map((p) => p.live[0]!);
    // Nothing is freed under the tape: every probe sees more live tensors than the one before.
    for (let i = 1; i < live.length; i++) expect(live[i]!).toBeGreaterThan(live[i - 1]!);
    nr.dispose([x, g]);
    model.dispose();
  });
});
