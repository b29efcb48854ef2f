/**
 * The fused recurrent sequence kernels (`rnnSequence`, `lstmSequence`, `gruSequence` and their gradients),
 * through the SimpleRNN, LSTM and GRU layers: outputs and gradients (input and every weight) on the backend must equal those of the
 * unrolled loop the layers run on the same backend without the fused kernels, and the input gradient must
 * match float64-step finite differences. On a backend without the kernels both paths are the unrolled loop.
 *
 * @packageDocumentation
 */
import type { KernelName } from '@neurona/core';
import * as nr from '@neurona/core';
import { withoutFused } from './composites.js';
import { Gen, type HostTensor, toNr } from './gen.js';
import { checkCases } from './gradients.js';
import { expectClose, readAll, type Suite } from './harness.js';

type Kind = 'simple-rnn' | 'lstm' | 'gru' | 'gru-resetAfter';

interface Config {
  readonly kind: Kind;
  readonly batch: number;
  readonly time: number;
  readonly returnSequences: boolean;
  readonly goBackwards: boolean;
}

const FEATURES = 2;
/** A multiple of 4, so the CPU backend's SIMD gate kernels run (core's tests cover its scalar loop). */
const UNITS = 4;

/** Gate blocks per kind (the width of the kernels' last axis is `k·units`). */
const GATES: Record<Kind, number> = { 'simple-rnn': 1, lstm: 4, gru: 3, 'gru-resetAfter': 3 };

function makeLayer(c: Config): nr.Layer {
  const args = { units: UNITS, returnSequences: c.returnSequences, goBackwards: c.goBackwards };
  if (c.kind === 'simple-rnn') return nr.layers.simpleRNN(args);
  return c.kind === 'lstm'
    ? nr.layers.lstm(args)
    : nr.layers.gru({ ...args, resetAfter: c.kind === 'gru-resetAfter' });
}

/** Host weights for the layer of `c`, in its weight order (kernel, recurrent kernel, bias). */
function hostWeights(c: Config, g: Gen): HostTensor[] {
  const k = GATES[c.kind];
  const bias = c.kind === 'gru-resetAfter' ? [2, k * UNITS] : [k * UNITS];
  return [g.floats([FEATURES, k * UNITS]), g.floats([UNITS, k * UNITS]), g.floats(bias)];
}

/** Output, input gradient and weight gradients of `sum(layer(x) * r)` on the active backend. */
async function evaluate(
  c: Config,
  weights: readonly HostTensor[],
  x: HostTensor,
  r: HostTensor,
): Promise<Float64Array[]> {
  const layer = makeLayer(c);
  const xt = toNr(x);
  const rt = toNr(r);
  try {
    layer.apply(xt).dispose(); // builds
    const ws = weights.map(toNr);
    layer.setWeights(ws);
    nr.dispose(ws);
    const y = layer.apply(xt);
    const dx = nr.grad((v) => nr.sum(nr.mul(layer.apply(v), rt)))(xt);
    const { value, grads } = nr.variableGrads(() => nr.sum(nr.mul(layer.apply(xt), rt)));
    const out = [y, dx, ...layer.weights.map((w) => grads[w.name]!)];
    const values = await readAll(out);
    nr.dispose([y, dx, value, Object.values(grads)]);
    return values;
  } finally {
    layer.dispose();
    nr.dispose([xt, rt]);
  }
}

const CONFIGS: readonly Omit<Config, 'kind'>[] = [
  { batch: 2, time: 4, returnSequences: false, goBackwards: false },
  { batch: 2, time: 3, returnSequences: true, goBackwards: true },
  { batch: 1, time: 1, returnSequences: true, goBackwards: false },
  { batch: 1, time: 3, returnSequences: false, goBackwards: true },
];

/**
 * Register the `recurrent` group.
 *
 * @example
 * ```ts
 * registerRecurrent(suite);
 * ```
 */
export function registerRecurrent(suite: Suite): void {
  suite.group('recurrent', (test) => {
    const kinds: [Kind, KernelName[]][] = [
      ['simple-rnn', ['rnnSequence', 'rnnSequenceGrad']],
      ['lstm', ['lstmSequence', 'lstmSequenceGrad']],
      ['gru', ['gruSequence', 'gruSequenceGrad']],
      ['gru-resetAfter', ['gruSequence', 'gruSequenceGrad']],
    ];
    let seed = 7100;
    for (const [kind, kernels] of kinds) {
      const s = seed++;
      test(
        `${kind} sequence: fused equals the unrolled loop, and finite differences`,
        kernels,
        async ({ tol }) => {
          const g = new Gen(s);
          try {
            for (const cfg of CONFIGS) {
              const c: Config = { kind, ...cfg };
              const what = `${kind} batch ${c.batch} time ${c.time}${c.returnSequences ? ' returnSequences' : ''}${c.goBackwards ? ' goBackwards' : ''}`;
              const weights = hostWeights(c, g);
              const x = g.floats([c.batch, c.time, FEATURES]);
              const r = g.floats(c.returnSequences ? [c.batch, c.time, UNITS] : [c.batch, UNITS]);
              await nr.setBackend(suite.backend);
              const got = await evaluate(c, weights, x, r);
              await nr.setBackend(withoutFused(suite.backend));
              const want = await evaluate(c, weights, x, r);
              const names = ['output', 'd input', 'd kernel', 'd recurrent_kernel', 'd bias'];
              got.forEach((v, i) => {
                expectClose(v, want[i]!, tol('oracle'), `${what}: ${names[i]} vs the unrolled loop`);
              });
              await nr.setBackend(suite.backend);
              const layer = makeLayer(c);
              const rt = toNr(r);
              try {
                layer.apply(nr.zeros([1, 1, FEATURES])).dispose();
                const ws = weights.map(toNr);
                layer.setWeights(ws);
                nr.dispose(ws);
                await checkCases(
                  `${kind} layer`,
                  [{ label: what, inputs: [x], f: (v) => nr.sum(nr.mul(layer.apply(v!), rt)) }],
                  tol('gradient'),
                );
              } finally {
                layer.dispose();
                rt.dispose();
              }
            }
          } finally {
            await nr.setBackend(suite.backend);
          }
        },
      );
    }
  });
}
