import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';
import { Reshape, reshape } from './reshape.js';
import { testLayer } from './testing/harness.js';

beforeAll(async () => {
  await nr.setBackend(cpu());
});

testLayer('Reshape with -1', () => reshape({ targetShape: [3, -1] }), [2, 12], { params: 0 });
testLayer('Reshape explicit', () => reshape({ targetShape: [6] }), [2, 2, 3]);
testLayer('Reshape to images', () => nr.layers.reshape({ targetShape: [2, 2, 1] }), [3, 4]);

describe('Reshape', () => {
  it('reshapes each example, keeping the batch and the order', async () => {
    const x = nr.tidy(() => nr.reshape(nr.range(0, 12), [2, 6]));
    const y = reshape({ targetShape: [-1, 2] }).apply(x);
    expect(y.shape).toEqual([2, 3, 2]);
    expect(Array.from(await y.data())).toEqual(Array.from({ length: 12 }, (_, i) => i));
    nr.dispose([x, y]);
  });

  it('infers -1 in computeOutputShape, null when the input size is unknown', () => {
    const layer = reshape({ targetShape: [3, -1] });
    expect(layer.computeOutputShape([null, 12])).toEqual([null, 3, 4]);
    expect(layer.computeOutputShape([null, 2, 6])).toEqual([null, 3, 4]);
    expect(layer.computeOutputShape([null, null])).toEqual([null, 3, null]);
    expect(reshape({ targetShape: [4, 2] }).computeOutputShape([null, null])).toEqual([null, 4, 2]);
  });

  it('rejects sizes that do not fit, naming the layer and both shapes', () => {
    const layer = reshape({ targetShape: [3, -1], name: 'r1' });
    expect(() => layer.computeOutputShape([null, 10])).toThrow(
      "Reshape 'r1': cannot reshape input [null, 10] (10 values per example) to target shape [3, -1]",
    );
    const x = nr.zeros([2, 7]);
    expect(() => reshape({ targetShape: [2, 4], name: 'r2' }).apply(x)).toThrow(
      "Reshape 'r2': cannot reshape input [null, 7] (7 values per example) to target shape [2, 4]",
    );
    x.dispose();
  });

  it('validates targetShape', () => {
    expect(() => reshape({ targetShape: [-1, -1], name: 'r3' })).toThrow(
      "Reshape 'r3': targetShape must hold positive integers and at most one -1, got [-1,-1]",
    );
    expect(() => reshape({ targetShape: [0, 2] })).toThrow(/targetShape must hold positive integers/);
    expect(() => reshape({ targetShape: [1.5] })).toThrow(/targetShape/);
  });

  it('serialises targetShape and rebuilds from its config', () => {
    const layer = reshape({ targetShape: [7, -1], name: 'rs' });
    const config = layer.getConfig();
    expect(config).toEqual({ name: 'rs', trainable: true, dtype: 'float32', targetShape: [7, -1] });
    const copy = new Reshape(config as unknown as ConstructorParameters<typeof Reshape>[0]);
    expect(copy.targetShape).toEqual([7, -1]);
  });
});
