import * as nr from '@neurona/core';
import { describe, it } from 'vitest';
import { backends, compareKernel, int, randomData, rng, size } from './compare.js';

const pair = backends();

/** A random convolution geometry (strides, dilations, 'same'/'valid' or explicit asymmetric padding). */
function geometry(r: () => number): nr.Conv2DInfo {
  const C = [1, 2, 3, 4, 8, 9][int(r, 0, 5)]!;
  const D = [1, 5, 8, 16, 17][int(r, 0, 4)]!;
  const fh = int(r, 1, 5);
  const fw = int(r, 1, 5);
  const dilated = r() < 0.25;
  const strides: [number, number] = dilated ? [1, 1] : [int(r, 1, 3), int(r, 1, 3)];
  const dilations: [number, number] = dilated ? [int(r, 1, 2), int(r, 1, 3)] : [1, 1];
  const H = int(r, fh * dilations[0], 14);
  const W = int(r, fw * dilations[1], 14);
  const pad =
    r() < 0.2
      ? ([
          [int(r, 0, 2), int(r, 0, 2)],
          [int(r, 0, 2), int(r, 0, 2)],
        ] as [[number, number], [number, number]])
      : r() < 0.5
        ? 'same'
        : 'valid';
  return nr.conv2dInfo([int(r, 1, 3), H, W, C], [fh, fw, C, D], strides, pad, dilations);
}

function shapes(info: nr.Conv2DInfo): { x: number[]; f: number[]; y: number[] } {
  return {
    x: [info.batch, info.inHeight, info.inWidth, info.inChannels],
    f: [info.filterHeight, info.filterWidth, info.inChannels, info.outChannels],
    y: [info.batch, info.outHeight, info.outWidth, info.outChannels],
  };
}

function checkConv(info: nr.Conv2DInfo, r: () => number, label: string): void {
  const s = shapes(info);
  const x = { data: randomData(r, size(s.x)), shape: s.x };
  const f = { data: randomData(r, size(s.f)), shape: s.f };
  const dy = { data: randomData(r, size(s.y)), shape: s.y };
  const out = (shape: number[]) => ({ shape, dtype: 'float32' as const });
  compareKernel(pair, [x, f], (be, [a, b]) => be.kernels.conv2d(a!, b!, info, out(s.y)), `conv2d ${label}`);
  compareKernel(
    pair,
    [dy, f],
    (be, [a, b]) => be.kernels.conv2dGradInput(a!, b!, info, out(s.x)),
    `conv2dGradInput ${label}`,
  );
  compareKernel(
    pair,
    [x, dy],
    (be, [a, b]) => be.kernels.conv2dGradFilter(a!, b!, info, out(s.f)),
    `conv2dGradFilter ${label}`,
  );
}

describe('fast convolutions against the reference kernels', () => {
  it('random geometries: strides, paddings, dilations, channel counts', () => {
    const r = rng(10);
    for (let trial = 0; trial < 120; trial++) {
      const info = geometry(r);
      checkConv(info, r, JSON.stringify(info));
    }
  });

  it('pointwise (1x1) convolutions are plain products', () => {
    const r = rng(11);
    for (const [n, h, w, c, d] of [
      [2, 5, 7, 3, 4],
      [1, 9, 9, 16, 8],
    ] as const) {
      checkConv(nr.conv2dInfo([n, h, w, c], [1, 1, c, d], [1, 1], 'valid', [1, 1]), r, `1x1 ${c}->${d}`);
    }
  });

  it('the small MNIST CNN layers, and deep filters over several K blocks', () => {
    const r = rng(12);
    checkConv(nr.conv2dInfo([2, 28, 28, 1], [5, 5, 1, 8], [1, 1], 'valid', [1, 1]), r, 'mnist conv1');
    checkConv(nr.conv2dInfo([2, 12, 12, 8], [5, 5, 8, 16], [1, 1], 'valid', [1, 1]), r, 'mnist conv2');
    checkConv(nr.conv2dInfo([1, 7, 6, 40], [3, 3, 40, 12], [1, 1], 'same', [1, 1]), r, 'K = 360');
    // Few input channels: packing by contiguous filter-row segments, padded edges, strides, batch 1.
    checkConv(nr.conv2dInfo([1, 32, 32, 3], [3, 3, 3, 32], [1, 1], 'same', [1, 1]), r, 'cifar conv1');
    checkConv(nr.conv2dInfo([1, 11, 13, 3], [5, 4, 3, 7], [2, 1], 'same', [1, 1]), r, 'C = 3, stride 2x1');
    checkConv(nr.conv2dInfo([2, 9, 15, 3], [3, 5, 3, 5], [1, 3], 'valid', [1, 1]), r, 'C = 3, stride 1x3');
    checkConv(nr.conv2dInfo([1, 10, 17, 2], [3, 3, 2, 9], [1, 2], 'same', [1, 1]), r, 'C = 2, stride 1x2');
    checkConv(nr.conv2dInfo([1, 13, 11, 1], [5, 5, 1, 8], [2, 2], 'same', [1, 1]), r, 'C = 1, stride 2');
    checkConv(nr.conv2dInfo([1, 12, 14, 3], [3, 3, 3, 4], [1, 1], 'valid', [2, 2]), r, 'C = 3, dilated');
    checkConv(nr.conv2dInfo([1, 9, 9, 5], [5, 5, 5, 3], [1, 1], 'same', [1, 1]), r, 'C = 5, same');
    // Many positions per image: the filter gradient takes the split-K path.
    checkConv(nr.conv2dInfo([3, 40, 40, 1], [3, 3, 1, 4], [1, 1], 'same', [1, 1]), r, 'long filter gradient');
  });
});

function poolGeometry(r: () => number): nr.Pool2DInfo {
  const fh = int(r, 1, 4);
  const fw = int(r, 1, 4);
  const H = int(r, fh, 12);
  const W = int(r, fw, 12);
  return nr.pool2dInfo(
    [int(r, 1, 3), H, W, [1, 3, 4, 8, 13][int(r, 0, 4)]!],
    [fh, fw],
    [int(r, 1, 3), int(r, 1, 3)],
    r() < 0.5 ? 'same' : 'valid',
  );
}

describe('fast pooling against the reference kernels', () => {
  it('max and average pooling and their gradients on random geometries', () => {
    const r = rng(20);
    // Windows that tile the image exactly, or leave a remainder, then random geometries.
    const tiled = [
      nr.pool2dInfo([2, 24, 24, 8], [2, 2], [2, 2], 'valid'),
      nr.pool2dInfo([1, 5, 7, 4], [2, 2], [2, 2], 'valid'),
      nr.pool2dInfo([1, 6, 6, 12], [3, 3], [3, 3], 'valid'),
      nr.pool2dInfo([1, 8, 8, 16], [2, 2], [2, 2], 'valid'),
      nr.pool2dInfo([3, 6, 4, 4], [2, 2], [2, 2], 'valid'),
      nr.pool2dInfo([1, 7, 9, 12], [2, 2], [2, 2], 'valid'),
      nr.pool2dInfo([1, 6, 6, 3], [2, 2], [2, 2], 'valid'),
    ];
    for (let trial = 0; trial < 60; trial++) {
      const info = trial < tiled.length ? tiled[trial]! : poolGeometry(r);
      const xs = [info.batch, info.inHeight, info.inWidth, info.channels];
      const ys = [info.batch, info.outHeight, info.outWidth, info.channels];
      // Few distinct values, so windows have ties (the max gradient must pick the first maximum).
      const xd = Float32Array.from({ length: size(xs) }, () => int(r, -3, 3));
      if (trial % 4 === 0) xd[int(r, 0, xd.length - 1)] = Number.NaN;
      // Windows of -Infinity (the first element wins) and several NaN (the first NaN wins).
      if (trial % 3 === 1) {
        for (let i = 0; i < xd.length; i += 7) xd[i] = Number.NEGATIVE_INFINITY;
        for (let k = 0; k < 4; k++) xd[int(r, 0, xd.length - 1)] = Number.NaN;
      }
      const x = { data: xd, shape: xs };
      const dy = { data: randomData(r, size(ys)), shape: ys };
      const label = JSON.stringify(info);
      const out = (shape: number[]) => ({ shape, dtype: 'float32' as const });
      compareKernel(pair, [x], (be, [a]) => be.kernels.maxPool(a!, info, out(ys)), `maxPool ${label}`);
      compareKernel(pair, [x], (be, [a]) => be.kernels.avgPool(a!, info, out(ys)), `avgPool ${label}`);
      compareKernel(
        pair,
        [dy, x],
        (be, [g, a]) => be.kernels.maxPoolGrad(g!, a!, info, out(xs)),
        `maxPoolGrad ${label}`,
      );
      compareKernel(
        pair,
        [dy],
        (be, [g]) => be.kernels.avgPoolGrad(g!, info, out(xs)),
        `avgPoolGrad ${label}`,
      );
    }
  });
});
