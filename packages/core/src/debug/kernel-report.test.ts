import { afterEach, describe, expect, it, vi } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';
import { trainStep } from '../training/step.js';

/** The CPU backend without some of its kernels (a partial backend, as one written in JavaScript may be). */
function without(...names: string[]): nr.Backend {
  const base = cpu();
  const kernels = { ...base.kernels } as Record<string, unknown>;
  for (const n of names) delete kernels[n];
  return { ...base, name: `cpu without ${names.join(', ')}`, kernels } as unknown as nr.Backend;
}

/** Wrap a backend so every kernel it is asked for (and has) is recorded by name. */
function recording(b: nr.Backend, called: Set<string>): nr.Backend {
  const kernels = new Proxy(b.kernels as unknown as Record<string, unknown>, {
    get: (target, prop) => {
      const v = Reflect.get(target, prop);
      if (typeof v !== 'function' || typeof prop !== 'string') return v;
      return (...args: unknown[]) => {
        called.add(prop);
        return (v as (...a: unknown[]) => unknown)(...args);
      };
    },
  });
  return { ...b, kernels } as unknown as nr.Backend;
}

function cnn(inputShape?: number[]): nr.Sequential {
  nr.seed(11);
  return nr.sequential({
    layers: [
      nr.layers.conv2d({
        filters: 2,
        kernelSize: 3,
        activation: 'relu',
        ...(inputShape ? { inputShape } : {}),
      }),
      nr.layers.dropout({ rate: 0.25 }),
      nr.layers.flatten(),
      nr.layers.dense({ units: 1 }),
    ],
  });
}

// Eight 5x5 images and, as target, a fixed linear function of each (host data, so every backend sees it).
const XD = Float32Array.from({ length: 8 * 25 }, (_, i) => Math.sin(i * 1.3));
const YD = Float32Array.from(
  { length: 8 },
  (_, n) => XD.subarray(n * 25, n * 25 + 25).reduce((a, v, j) => a + v * Math.cos(j), 0) / 5,
);
const data = (): [nr.Tensor, nr.Tensor] => [nr.tensor(XD, [8, 5, 5, 1]), nr.tensor(YD, [8, 1])];

async function losses(backend: nr.Backend): Promise<number[]> {
  await nr.setBackend(backend);
  const [x, y] = data();
  const model = cnn([5, 5, 1]);
  model.compile({ optimizer: nr.optimizers.sgd({ learningRate: 0.05 }), loss: 'mse' });
  const h = await model.fit(x, y, { epochs: 6, batchSize: 4, verbose: 0 });
  model.dispose();
  x.dispose();
  y.dispose();
  return h.history.loss as number[];
}

describe('backendCheck at compile', () => {
  afterEach(async () => {
    vi.restoreAllMocks();
    await nr.setBackend(cpu());
  });

  it('throws when the filter gradient has neither a native kernel nor a runnable composite, naming kernel and layer', async () => {
    await nr.setBackend(without('conv2dGradFilter', 'gather'));
    const model = cnn([5, 5, 1]);
    const conv = model.layers[0]!.name;
    expect(() => model.compile({ optimizer: 'sgd', loss: 'mse' })).toThrow(
      new RegExp(
        `compile: backend 'cpu without conv2dGradFilter, gather' cannot run this model's training step: kernel 'conv2dGradFilter' \\(backward of layer Conv2D '${conv}'\\): the backend lacks it and its composite needs 'gather'`,
      ),
    );
    model.dispose();
  });

  it('a model built only by fit is checked before its first batch, and nothing trains', async () => {
    await nr.setBackend(without('conv2dGradFilter', 'gather'));
    const model = cnn();
    model.compile({ optimizer: 'sgd', loss: 'mse' }); // not built yet: checked by fit
    const [x, y] = data();
    let batches = 0;
    const onBatchBegin = () => {
      batches++;
    };
    await expect(model.fit(x, y, { verbose: 0, callbacks: [{ onBatchBegin }] })).rejects.toThrow(
      /fit: backend .* kernel 'conv2dGradFilter' \(backward of layer Conv2D 'conv2d\w*'\)/,
    );
    expect(batches).toBe(0);
    expect(model.optimizer!.iterations).toBe(0);
    model.dispose();
    x.dispose();
    y.dispose();
  });

  it("'warn' prints the same finding and compiles; 'off' checks nothing", async () => {
    await nr.setBackend(without('conv2dGradFilter', 'gather'));
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const model = cnn([5, 5, 1]);
    model.compile({ optimizer: 'sgd', loss: 'mse', backendCheck: 'warn' });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/kernel 'conv2dGradFilter' \(backward of layer Conv2D/);
    model.compile({ optimizer: 'sgd', loss: 'mse', backendCheck: 'off' });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(() => model.compile({ optimizer: 'sgd', loss: 'mse', backendCheck: 'strict' as 'off' })).toThrow(
      /'backendCheck' must be 'error', 'warn' or 'off', got "strict"/,
    );
    model.dispose();
  });

  it('with the composite available it trains as the native kernel does, and the report says composite', async () => {
    const partial = without('conv2dGradFilter');
    await nr.setBackend(partial);
    const model = cnn([5, 5, 1]);
    model.compile({ optimizer: 'sgd', loss: 'mse' }); // no throw
    const conv = model.layers[0]!.name;
    const row = model.kernelReport().rows.find((r) => r.kernel === 'conv2dGradFilter')!;
    expect(row).toMatchObject({
      pass: 'backward',
      owner: { kind: 'layer', name: conv, className: 'Conv2D' },
    });
    expect(row.support).toBe('composite');
    expect(row.via).toEqual(expect.arrayContaining(['gather', 'matmul']));
    model.dispose();

    await nr.setBackend(cpu());
    const native = cnn([5, 5, 1]);
    native.compile({ optimizer: 'sgd', loss: 'mse' });
    expect(native.kernelReport().rows.find((r) => r.kernel === 'conv2dGradFilter')!.support).toBe('native');
    native.dispose();

    // The composite trains along the native kernel's path (the CPU kernel is the oracle), and learns.
    const viaComposite = await losses(without('conv2dGradFilter'));
    const viaNative = await losses(cpu());
    for (let i = 0; i < viaNative.length; i++) expect(viaComposite[i]!).toBeCloseTo(viaNative[i]!, 4);
    expect(viaComposite.at(-1)!).toBeLessThan(viaComposite[0]!);
  });

  it('lists the kernels a real training step calls on the backend, and the first conv needs no input gradient', async () => {
    const called = new Set<string>();
    await nr.setBackend(recording(without('conv2dGradFilter'), called));
    const [x, y] = data();
    const model = cnn([5, 5, 1]);
    model.compile({ optimizer: 'adam', loss: 'mse', metrics: ['mae'] });
    const report = model.kernelReport();
    const reported = new Set(report.rows.flatMap((r) => (r.support === 'native' ? [r.kernel] : r.via)));
    called.clear();
    trainStep(model, model.compiled!, model.optimizer!, [x], [y], null).dispose();
    expect([...reported].sort()).toEqual([...called].sort());
    expect(report.rows.some((r) => r.kernel === 'conv2dGradInput')).toBe(false);
    expect(report.rows.find((r) => r.kernel === 'optimizerUpdate')).toMatchObject({
      pass: 'update',
      owner: { kind: 'optimizer', name: 'Adam' },
      support: 'native',
    });
    expect(report.missing).toEqual([]);
    expect(report.toString()).toMatch(
      /\| conv2dGradFilter \| backward \| layer Conv2D '\w+' \| composite \(/,
    );
    model.dispose();
    x.dispose();
    y.dispose();
  });

  it('a backend with only the required kernels runs every kernel of every model kind, by composite', async () => {
    const fused = (Object.keys(nr.KERNEL_KINDS) as nr.KernelName[]).filter(
      (k) => nr.KERNEL_KINDS[k] === 'fused',
    );
    await nr.setBackend(without(...fused));
    nr.seed(2);
    const a = nr.input({ shape: [6] });
    const b = nr.input({ shape: [4] });
    const joined = nr.layers.concatenate().apply([nr.layers.dense({ units: 3 }).apply(a), b]);
    const models = [
      cnn([5, 5, 1]),
      nr.sequential({
        layers: [
          nr.layers.conv2d({ filters: 2, kernelSize: 2, inputShape: [4, 4, 2] }),
          nr.layers.depthwiseConv2d({ kernelSize: 2 }),
          nr.layers.averagePooling2d({ poolSize: 2 }),
          nr.layers.flatten(),
          nr.layers.dense({ units: 3, activation: 'softmax' }),
        ],
      }),
      nr.sequential({
        layers: [
          nr.layers.embedding({ inputDim: 5, outputDim: 3, inputShape: [4] }),
          nr.layers.lstm({ units: 2, returnSequences: true }),
          nr.layers.gru({ units: 2 }),
          nr.layers.dense({ units: 3, activation: 'softmax' }),
        ],
      }),
      nr.model({
        inputs: [a, b],
        outputs: nr.layers.dense({ units: 2, activation: 'softmax' }).apply(joined),
      }),
    ];
    const losses = [
      'mse',
      'sparseCategoricalCrossentropy',
      'sparseCategoricalCrossentropy',
      'categoricalCrossentropy',
    ];
    models.forEach((m, i) => {
      m.compile({ optimizer: 'adam', loss: losses[i]!, metrics: ['accuracy'] });
      const rows = m.kernelReport().rows;
      expect(rows.filter((r) => r.support === 'missing')).toEqual([]);
      for (const r of rows)
        expect(r.support).toBe(nr.KERNEL_KINDS[r.kernel] === 'fused' ? 'composite' : 'native');
      expect(rows.some((r) => r.support === 'composite')).toBe(true);
      m.dispose();
    });
  });

  it('a missing required kernel matters only to the models that use it', async () => {
    await nr.setBackend(without('gather'));
    const mlp = nr.sequential({
      layers: [nr.layers.dense({ units: 2, inputShape: [3] }), nr.layers.dense({ units: 1 })],
    });
    mlp.compile({ optimizer: 'sgd', loss: 'mse' }); // no gather in its step
    expect(mlp.kernelReport().rows.some((r) => r.kernel === 'gather')).toBe(false);
    const text = nr.sequential({
      layers: [
        nr.layers.embedding({ inputDim: 5, outputDim: 2, inputShape: [3] }),
        nr.layers.flatten(),
        nr.layers.dense({ units: 1 }),
      ],
    });
    expect(() => text.compile({ optimizer: 'sgd', loss: 'mse' })).toThrow(
      /kernel 'gather' \(forward of layer Embedding '\w+'\): the backend lacks it and core has no composite for it/,
    );
    mlp.dispose();
    text.dispose();
  });

  it('leaves the weights, the optimizer, the seeded generator and the live-tensor count as they were', async () => {
    await nr.setBackend(cpu());
    const model = cnn([5, 5, 1]);
    model.compile({ optimizer: nr.optimizers.adam({ learningRate: 0.1 }), loss: 'mse' });
    const before = await Promise.all(model.getWeights().map((w) => w.data()));
    nr.seed(3);
    const count = nr.memory().numTensors;
    model.kernelReport();
    expect(nr.memory().numTensors).toBe(count);
    const afterReport = await nr.randomUniform([4]).data();
    nr.seed(3);
    const plain = await nr.randomUniform([4]).data();
    expect(Array.from(afterReport)).toEqual(Array.from(plain));
    const after = await Promise.all(model.getWeights().map((w) => w.data()));
    expect(after.map((a) => Array.from(a))).toEqual(before.map((b) => Array.from(b)));
    expect(model.optimizer!.iterations).toBe(0);
    expect(() => nr.sequential({ layers: [nr.layers.dense({ units: 1 })] }).kernelReport()).toThrow(
      /kernelReport: the model is not compiled; call compile\(\) first/,
    );
    model.dispose();
  });
});
