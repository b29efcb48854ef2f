// The second opinion of the loader fuzz test in a worker thread: tfjs-layers 4.22 loads a (mutated) model file
// and predicts on the given inputs. It runs here, not in the test's thread, because some malformed files make
// tfjs-layers loop forever: the test ends the worker after a timeout and counts that as "tfjs refuses".
import { parentPort } from 'node:worker_threads';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

tf.enableProdMode();
await tf.setBackend('cpu');

parentPort.on('message', async ({ id, artifacts, inputs }) => {
  let model = null;
  try {
    model = await tfl.loadLayersModel(tf.io.fromMemory(artifacts));
    const xs = inputs.map((x) => tf.tensor(x.data, x.shape));
    const y = model.predict(xs.length === 1 ? xs[0] : xs);
    const ys = Array.isArray(y) ? y : [y];
    const outputs = await Promise.all(
      ys.map(async (t) => ({ shape: [...t.shape], data: Float32Array.from(await t.data()) })),
    );
    tf.dispose([...xs, ...ys]);
    parentPort.postMessage({ id, outputs });
  } catch (e) {
    parentPort.postMessage({ id, outputs: null, error: String(e) });
  } finally {
    model?.dispose();
  }
});
parentPort.postMessage({ ready: true });
