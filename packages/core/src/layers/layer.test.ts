import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';

beforeAll(async () => {
  await nr.setBackend(cpu());
});

describe('Layer base', () => {
  it('keeps rank and feature axis after build, lets other axes vary (as Keras)', () => {
    const conv = nr.layers.conv2d({ filters: 2, kernelSize: 3 });
    const a = nr.tidy(() => conv.apply(nr.ones([1, 8, 8, 3])));
    const b = nr.tidy(() => conv.apply(nr.ones([2, 5, 6, 3])));
    expect(a.shape).toEqual([1, 6, 6, 2]);
    expect(b.shape).toEqual([2, 3, 4, 2]);
    expect(() => nr.tidy(() => conv.apply(nr.ones([1, 8, 8, 4])))).toThrow(
      /Conv2D 'conv2d\S*': expected .*\[null, 8, 8, 4\]/,
    );
    expect(() => nr.tidy(() => conv.apply(nr.ones([8, 8, 3])))).toThrow(/Conv2D 'conv2d\S*'/);
    nr.dispose([a, b]);
    conv.dispose();
  });

  it('names layers the Keras way', () => {
    const names = [
      nr.layers.conv2d({ filters: 1, kernelSize: 1 }),
      nr.layers.maxPooling2d(),
      nr.layers.simpleRNN({ units: 1 }),
    ].map((l) => l.name.replace(/_\d+$/, ''));
    expect(names).toEqual(['conv2d', 'max_pooling2d', 'simple_rnn']);
  });
});
