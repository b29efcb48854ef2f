import * as nr from '@neurona/core';
import { describe, it } from 'vitest';
import { backends, compareKernel, int, randomData, rng, size } from './compare.js';

const pair = backends();

/** A random depthwise geometry: strides, dilations, 'same'/'valid' or explicit (even oversized) padding. */
function geometry(r: () => number): nr.Conv2DInfo {
  const C = [1, 2, 3, 8, 13][int(r, 0, 4)]!;
  const M = [1, 1, 2, 3][int(r, 0, 3)]!;
  const fh = int(r, 1, 5);
  const fw = int(r, 1, 5);
  const dilated = r() < 0.3;
  const strides: [number, number] = dilated ? [1, 1] : [int(r, 1, 3), int(r, 1, 3)];
  const dilations: [number, number] = dilated ? [int(r, 1, 3), int(r, 1, 2)] : [1, 1];
  const H = int(r, fh * dilations[0], 12);
  const W = int(r, fw * dilations[1], 12);
  const pad =
    r() < 0.25
      ? ([
          [int(r, 0, 4), int(r, 0, 4)],
          [int(r, 0, 4), int(r, 0, 4)],
        ] as [[number, number], [number, number]])
      : r() < 0.5
        ? 'same'
        : 'valid';
  return nr.depthwiseConv2dInfo([int(r, 1, 3), H, W, C], [fh, fw, C, M], strides, pad, dilations);
}

function check(info: nr.Conv2DInfo, r: () => number, label: string): void {
  const C = info.inChannels;
  const xs = [info.batch, info.inHeight, info.inWidth, C];
  const fs = [info.filterHeight, info.filterWidth, C, info.outChannels / C];
  const ys = [info.batch, info.outHeight, info.outWidth, info.outChannels];
  const x = { data: randomData(r, size(xs)), shape: xs };
  const f = { data: randomData(r, size(fs)), shape: fs };
  const dy = { data: randomData(r, size(ys)), shape: ys };
  const out = (shape: number[]) => ({ shape, dtype: 'float32' as const });
  compareKernel(
    pair,
    [x, f],
    (be, [a, b]) => be.kernels.depthwiseConv2d(a!, b!, info, out(ys)),
    `fwd ${label}`,
  );
  compareKernel(
    pair,
    [dy, f],
    (be, [a, b]) => be.kernels.depthwiseConv2dGradInput(a!, b!, info, out(xs)),
    `gradInput ${label}`,
  );
  compareKernel(
    pair,
    [x, dy],
    (be, [a, b]) => be.kernels.depthwiseConv2dGradFilter(a!, b!, info, out(fs)),
    `gradFilter ${label}`,
  );
}

describe('fast depthwise convolutions against the reference kernels', () => {
  it('random geometries: strides, paddings, dilations, multipliers', () => {
    const r = rng(40);
    for (let trial = 0; trial < 60; trial++) {
      const info = geometry(r);
      check(info, r, JSON.stringify(info));
    }
  });

  it("MobileNet's shapes: 3x3 multiplier 1, stride 1 and 2 'same'", () => {
    const r = rng(41);
    check(nr.depthwiseConv2dInfo([2, 14, 14, 32], [3, 3, 32, 1], 1, 'same'), r, 'stride 1');
    check(nr.depthwiseConv2dInfo([1, 15, 15, 24], [3, 3, 24, 1], 2, 'same'), r, 'stride 2');
  });
});
