// Real traces for the guides, written by `nr.trace(...).toMarkdown()` when the site is built: the 2-2-1 network of
// the backpropagation guide (checked against the guide's own op-by-op table), a tiny CNN and a tiny recurrent
// network for the trace guide.
import * as nr from '@neurona/core';
import { EXAMPLE } from './backprop.mjs';
import { writeFragment } from './svg.mjs';

const footer = (what) =>
  `\n_Written by \`nr.trace(...).toMarkdown()\` (${what}) with \`@neurona/core\` on the CPU backend when the site was built (\`docs/scripts/figures/trace.mjs\`)._`;

/** A compiled model with the given weights. */
function withWeights(layers, weights, loss) {
  const model = nr.sequential({ layers });
  const ws = weights.map((w) => nr.tensor(w.data, w.shape));
  model.setWeights(ws);
  nr.dispose(ws);
  model.compile({ optimizer: nr.optimizers.sgd({ learningRate: 0.1 }), loss });
  return model;
}

/** `trace-221.md`: the guide's network, one traced step. */
async function trace221() {
  const e = EXAMPLE;
  const model = withWeights(
    [
      nr.layers.dense({ units: 2, activation: 'sigmoid', inputShape: [2], name: 'hidden' }),
      nr.layers.dense({ units: 1, activation: 'sigmoid', name: 'output' }),
    ],
    [
      { data: e.w1.flat(), shape: [2, 2] },
      { data: e.b1, shape: [2] },
      { data: e.w2.flat(), shape: [2, 1] },
      { data: e.b2, shape: [1] },
    ],
    'meanSquaredError',
  );
  const [x, t] = [nr.tensor2d(e.x), nr.tensor2d(e.t)];
  const trace = await nr.trace(model, x, t, { learningRate: e.lr });
  // The same loss as the guide's hand-written forward pass (ops only), or the build fails.
  const byOps = nr.tidy(() => {
    const a1 = nr.sigmoid(nr.add(nr.matMul(x, nr.tensor2d(e.w1)), nr.tensor1d(e.b1)));
    return nr.mean(
      nr.square(nr.sub(nr.sigmoid(nr.add(nr.matMul(a1, nr.tensor2d(e.w2)), nr.tensor1d(e.b2))), t)),
    );
  });
  const expected = (await byOps.data())[0];
  nr.dispose([x, t, byOps]);
  model.dispose();
  if (Math.abs(expected - trace.loss) > 1e-7)
    throw new Error(`trace fragment: loss ${trace.loss}, ops give ${expected}`);
  writeFragment('trace-221', trace.toMarkdown({ digits: 5 }) + footer('learning rate 0.5'));
}

/** `trace-cnn.md`: Conv2D (two 2x2 filters, ReLU) -> max pooling -> Dense on one 4x4 image. */
async function traceCnn() {
  const image = [0, 1, 1, 0, 1, 2, 2, 1, 0, 2, 3, 1, 0, 1, 1, 0];
  const model = withWeights(
    [
      nr.layers.conv2d({
        filters: 2,
        kernelSize: 2,
        activation: 'relu',
        inputShape: [4, 4, 1],
        name: 'conv',
      }),
      nr.layers.maxPooling2d({ poolSize: 3, strides: 1, name: 'pool' }),
      nr.layers.flatten({ name: 'flatten' }),
      nr.layers.dense({ units: 1, activation: 'sigmoid', name: 'output' }),
    ],
    [
      // filter 0 looks for a vertical edge, filter 1 for a diagonal: [kh, kw, in, filters]
      { data: [0.5, 0.25, -0.5, 0.1, 0.5, -0.2, -0.5, 0.3], shape: [2, 2, 1, 2] },
      { data: [0.1, -0.1], shape: [2] },
      { data: [0.6, -0.4], shape: [2, 1] },
      { data: [0], shape: [1] },
    ],
    'binaryCrossentropy',
  );
  const [x, y] = [nr.tensor4d(image, [1, 4, 4, 1]), nr.tensor2d([[1]])];
  const trace = await nr.trace(model, x, y, { learningRate: 0.1 });
  nr.dispose([x, y]);
  model.dispose();
  writeFragment('trace-cnn', trace.toMarkdown({ digits: 4 }) + footer('learning rate 0.1'));
}

/** `trace-rnn.md`: SimpleRNN (2 units) over a 3-step sequence, then Dense. */
async function traceRnn() {
  const model = withWeights(
    [
      nr.layers.simpleRNN({ units: 2, inputShape: [3, 1], name: 'rnn' }),
      nr.layers.dense({ units: 1, name: 'output' }),
    ],
    [
      { data: [0.5, -0.3], shape: [1, 2] },
      { data: [0.8, 0.2, -0.1, 0.6], shape: [2, 2] },
      { data: [0.1, 0], shape: [2] },
      { data: [0.7, -0.4], shape: [2, 1] },
      { data: [0.2], shape: [1] },
    ],
    'meanSquaredError',
  );
  const [x, y] = [nr.tensor3d([[[1], [0.5], [-1]]]), nr.tensor2d([[0.3]])];
  const trace = await nr.trace(model, x, y, { learningRate: 0.1 });
  nr.dispose([x, y]);
  model.dispose();
  writeFragment('trace-rnn', trace.toMarkdown({ digits: 4 }) + footer('learning rate 0.1'));
}

/** Every trace fragment. */
export async function traceFragments() {
  await trace221();
  await traceCnn();
  await traceRnn();
  return [];
}
