import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import { type Route, type Served, serve } from '../../test/browser/chromium.js';
import * as nr from '../index.js';

/**
 * A model saved as a server would hold it: `/models/m/model.json` with two manifest groups; the first
 * group's weights in two shards (one in a sub-folder), the second group's in a file one folder up.
 */
async function publish(): Promise<{ model: nr.Sequential; x: nr.Tensor; routes: Map<string, Route> }> {
  nr.seed(7);
  const model = nr.sequential({
    layers: [
      nr.layers.dense({ units: 5, activation: 'tanh', inputShape: [3] }),
      nr.layers.dense({ units: 2, activation: 'softmax' }),
    ],
  });
  const mem = nr.io.memory();
  await model.save(mem);
  const a = mem.artifacts!;
  const bytes = new Uint8Array(a.weightData);
  const size = (s: nr.io.WeightSpec) => 4 * s.shape.reduce((p, d) => p * d, 1);
  const first = a.weightSpecs.slice(0, 2); // layer 1: kernel + bias
  const rest = a.weightSpecs.slice(2);
  const firstBytes = first.reduce((n, s) => n + size(s), 0);
  const cut = 20; // split group 1 inside its kernel
  const json = {
    format: 'layers-model',
    modelTopology: a.modelTopology,
    weightsManifest: [
      { paths: ['group1-shard1of2.bin', 'shards/group1-shard2of2.bin'], weights: first },
      { paths: ['../shared/group2.bin'], weights: rest },
    ],
  };
  const routes = new Map<string, Route>([
    ['/models/m/model.json', { body: JSON.stringify(json), type: 'application/json' }],
    ['/models/m/group1-shard1of2.bin', { body: bytes.slice(0, cut) }],
    ['/models/m/shards/group1-shard2of2.bin', { body: bytes.slice(cut, firstBytes) }],
    ['/models/shared/group2.bin', { body: bytes.slice(firstBytes) }],
  ]);
  return {
    model,
    x: nr.tensor2d([
      [0.1, -0.4, 0.9],
      [1, 2, -3],
    ]),
    routes,
  };
}

describe('loadModel over http:// through fetch (server on 127.0.0.1)', () => {
  let served: Served;
  let model: nr.Sequential;
  let x: nr.Tensor;
  let routes: Map<string, Route>;
  beforeAll(async () => {
    await nr.setBackend(cpu());
    ({ model, x, routes } = await publish());
    served = await serve(routes);
  });
  afterAll(async () => {
    await served.close();
  });

  it('joins several shards and groups resolved relative to model.json; predictions are identical', async () => {
    const loaded = await nr.loadModel(`${served.url}/models/m/model.json`);
    const want = await model.predict(x).data();
    const got = await (loaded.predict(x) as nr.Tensor).data();
    expect(Array.from(got)).toEqual(Array.from(want));
    const paths = served.requests.map((r) => r.url);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/models/m/model.json',
        '/models/m/group1-shard1of2.bin',
        '/models/m/shards/group1-shard2of2.bin',
        '/models/shared/group2.bin',
      ]),
    );
  });

  it('sends requestInit headers with every request, and uses the fetch it is given', async () => {
    served.requests.length = 0;
    const seen: string[] = [];
    const myFetch: typeof fetch = (input, init) => {
      seen.push(String(input));
      return fetch(input, init);
    };
    await nr.loadModel(`${served.url}/models/m/model.json`, {
      fetch: myFetch,
      requestInit: { headers: { authorization: 'Bearer t0ken' } },
    });
    expect(served.requests.length).toBe(4);
    for (const r of served.requests) expect(r.headers.authorization, r.url).toBe('Bearer t0ken');
    expect(seen.length).toBe(4);
    expect(seen[0]).toBe(`${served.url}/models/m/model.json`);
  });

  it('a missing model.json or weight file is an error naming the URL and the status', async () => {
    await expect(nr.loadModel(`${served.url}/models/nothing/model.json`)).rejects.toThrow(
      `GET ${served.url}/models/nothing/model.json (model.json) answered 404`,
    );
    const saved = routes.get('/models/shared/group2.bin')!;
    routes.delete('/models/shared/group2.bin');
    try {
      await expect(nr.loadModel(nr.io.http(`${served.url}/models/m/model.json`))).rejects.toThrow(
        `GET ${served.url}/models/shared/group2.bin (weights) answered 404`,
      );
    } finally {
      routes.set('/models/shared/group2.bin', saved);
    }
  });

  it('http handlers only load', async () => {
    await expect(model.save(`${served.url}/models/m/model.json`)).rejects.toThrow(/cannot save/);
  });
});
