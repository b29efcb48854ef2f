/**
 * The ReLU gradient (`reluGrad`: `dy * (y > 0 ? 1 : 0)`, the backward pass of `relu` and of the fused product
 * and convolution with a ReLU): values through `nr.grads` of `relu` against a loop written here, on odd
 * sizes, zero-size and scalar inputs, exact zeros, and non-finite upstream gradients (a product: NaN stays
 * NaN); its own gradient (a second derivative); no leaked tensors.
 *
 * @packageDocumentation
 */
import type { KernelName } from '@neurona/core';
import * as nr from '@neurona/core';
import { Gen, type HostTensor, toNr } from './gen.js';
import { expectClose, type Suite } from './harness.js';

/** `dy * (x > 0 ? 1 : 0)` on the host, rounded as float32. */
function want(x: HostTensor, dy: HostTensor): Float32Array {
  const out = new Float32Array(x.data.length);
  for (let i = 0; i < out.length; i++) out[i] = Number(dy.data[i]) * (Number(x.data[i]) > 0 ? 1 : 0);
  return out;
}

/** x in [-1, 1) with some exact zeros (ReLU's gradient at 0 is 0) and the same shape of upstream gradients. */
function pair(g: Gen, shape: readonly number[]): [HostTensor, HostTensor] {
  const x = g.floats(shape);
  for (let i = 0; i < x.data.length; i += 7) x.data[i] = i % 14 === 0 ? 0 : -0;
  return [x, g.floats(shape, -3, 3)];
}

/**
 * Register the `relu-grad` group.
 *
 * @example
 * ```ts
 * registerReluGrad(suite);
 * ```
 */
export function registerReluGrad(suite: Suite): void {
  suite.group('relu-grad', (test) => {
    const kernels: KernelName[] = ['reluGrad'];
    const dxOf = (x: nr.Tensor, dy: nr.Tensor): nr.Tensor =>
      nr.grads((v: nr.Tensor) => nr.sum(nr.mul(nr.relu(v), dy)))([x])[0]!;

    test('reluGrad through relu: values, zeros, odd and empty shapes', kernels, async ({ tol }) => {
      const g = new Gen(7301);
      for (const shape of [[7], [3, 5, 9], [64, 513], [0, 4], [], [2, 1, 1, 3]]) {
        const before = nr.memory().numTensors;
        const [hx, hdy] = pair(g, shape);
        const [x, dy] = [toNr(hx), toNr(hdy)];
        const dx = dxOf(x, dy);
        try {
          expectClose(await dx.data(), want(hx, hdy), tol('fixture'), `reluGrad [${shape}]`, shape);
        } finally {
          nr.dispose([x, dy, dx]);
        }
        const after = nr.memory().numTensors;
        if (after !== before) throw new Error(`reluGrad [${shape}]: ${after - before} tensors leaked`);
      }
    });

    test('reluGrad keeps a non-finite upstream gradient a product would', kernels, async () => {
      const x = nr.tensor([-1, 2, 0, 3, -2, 1]);
      const dy = nr.tensor([
        Number.NaN,
        Number.NaN,
        Number.POSITIVE_INFINITY,
        Number.NEGATIVE_INFINITY,
        5,
        -0,
      ]);
      const dx = dxOf(x, dy);
      try {
        const got = Array.from(await dx.data());
        // NaN * 0 and Inf * 0 are NaN; NaN * 1 is NaN; -Inf * 1 is -Inf; 5 * 0 is 0; -0 * 1 is -0.
        const expected = [Number.NaN, Number.NaN, Number.NaN, Number.NEGATIVE_INFINITY, 0, -0];
        for (let i = 0; i < expected.length; i++) {
          if (!Object.is(got[i], expected[i])) {
            throw new Error(`reluGrad non-finite: element ${i} is ${got[i]}, expected ${expected[i]}`);
          }
        }
      } finally {
        nr.dispose([x, dy, dx]);
      }
    });

    test('reluGrad has its own gradient: the ReLU mask for dy', kernels, async ({ tol }) => {
      const g = new Gen(7302);
      const [hx, hw] = pair(g, [4, 9]);
      const [x, w] = [toNr(hx), toNr(hw)];
      const before = nr.memory().numTensors;
      // d/dw of sum(d/dx sum(relu(x) * w)) = d/dw sum(w * mask) = mask.
      const dw = nr.grads((v: nr.Tensor) => nr.sum(dxOf(x, v)))([w])[0]!;
      try {
        const ones: HostTensor = { shape: hx.shape, dtype: 'float32', data: new Float32Array(36).fill(1) };
        expectClose(await dw.data(), want(hx, ones), tol('fixture'), 'reluGrad second order', hx.shape);
      } finally {
        nr.dispose(dw);
      }
      const after = nr.memory().numTensors;
      nr.dispose([x, w]);
      if (after !== before) throw new Error(`reluGrad second order: ${after - before} tensors leaked`);
    });
  });
}
