/**
 * Hand-computed gradients of the fused ops, for `loss = sum(y)` (so dy is all ones): conv2d with
 * asymmetric 'same' padding, max pooling (ties go to the first maximum of a window, padding never
 * receives anything) and average pooling (each window spreads its gradient evenly over its in-bounds
 * elements). The arithmetic is in the comments.
 *
 * @packageDocumentation
 */
import * as nr from '@neurona/core';
import { expectClose, type Suite } from './harness.js';

/** The 3x3 image [[1,2,3],[4,5,6],[7,8,9]] as [1, 3, 3, 1], times `sign`. */
const image3x3 = (sign = 1): nr.Tensor =>
  nr.tensor4d(
    [1, 2, 3, 4, 5, 6, 7, 8, 9].map((v) => sign * v),
    [1, 3, 3, 1],
  );

/** Gradients of `sum(f(...xs))` with respect to each input, read back and freed (inputs freed too). */
async function gradsOfSum(f: (...xs: nr.Tensor[]) => nr.Tensor, xs: nr.Tensor[]): Promise<Float32Array[]> {
  const gs = nr.grads((...ts: nr.Tensor[]) => nr.sum(f(...ts)))(xs);
  try {
    return (await Promise.all(gs.map((g) => g.data()))) as Float32Array[];
  } finally {
    nr.dispose([gs, xs]);
  }
}

/**
 * Register the `fixtures-grad` group.
 *
 * @example
 * ```ts
 * registerGradientFixtures(suite);
 * ```
 */
export function registerGradientFixtures(suite: Suite): void {
  suite.group('fixtures-grad', (test) => {
    test(
      'conv2d gradients of sum(y), same with asymmetric padding',
      ['conv2dGradInput', 'conv2dGradFilter'],
      async ({ tol }) => {
        // y[i][j] = 1*X[i][j] + 2*X[i][j+1] + 3*X[i+1][j] + 4*X[i+1][j+1] (zero beyond the bottom/right edge).
        // dL/dX[r][c] sums f[a][b] over the outputs (i, j) = (r - a, c - b) that exist (0..2):
        // r = 0 only has a = 0, r >= 1 has a in {0, 1}; the same for columns. So
        // (0,0): f00 = 1; (0,c>=1): f00 + f01 = 3; (r>=1,0): f00 + f10 = 4; (r>=1,c>=1): 1+2+3+4 = 10
        // dL/df[a][b] sums X[i+a][j+b] over in-bounds positions:
        // f00: all of X = 45; f01: columns 1-2 = 2+3+5+6+8+9 = 33; f10: rows 1-2 = 4+5+6+7+8+9 = 39;
        // f11: rows 1-2, columns 1-2 = 5+6+8+9 = 28
        const [dx, df] = await gradsOfSum(
          (x, f) => nr.conv2d(x!, f!, 1, 'same'),
          [image3x3(), nr.tensor4d([1, 2, 3, 4], [2, 2, 1, 1])],
        );
        expectClose(dx!, [1, 3, 3, 4, 10, 10, 4, 10, 10], tol('fixture'), 'conv2d dL/dx', [3, 3]);
        expectClose(df!, [45, 33, 39, 28], tol('fixture'), 'conv2d dL/dfilter', [2, 2]);
      },
    );

    test(
      'maxPool gradient goes to the first maximum and never to padding',
      ['maxPoolGrad'],
      async ({ tol }) => {
        // One 2x2 window of [[3, 1], [3, 2]]: the maximum 3 appears twice; the first (row-major) gets dy.
        const [tie] = await gradsOfSum(
          (x) => nr.maxPool(x!, 2, 2, 'valid'),
          [nr.tensor4d([3, 1, 3, 2], [1, 2, 2, 1])],
        );
        expectClose(tie!, [1, 0, 0, 0], tol('fixture'), 'maxPool gradient with a tie', [2, 2]);
        // 2x2 stride 2 'same' on the negated 3x3 image (padding bottom/right): windows {-1,-2,-4,-5} -> -1 at
        // (0,0); {-3,-6} -> -3 at (0,2); {-7,-8} -> -7 at (2,0); {-9} -> (2,2). A padded 0 would have won them all.
        const [neg] = await gradsOfSum((x) => nr.maxPool(x!, 2, 2, 'same'), [image3x3(-1)]);
        expectClose(neg!, [1, 0, 1, 0, 0, 0, 1, 0, 1], tol('fixture'), 'maxPool same gradient', [3, 3]);
      },
    );

    test('avgPool gradient spreads over in-bounds elements', ['avgPoolGrad'], async ({ tol }) => {
      // 2x2 stride 2 'same' on 3x3: window (0,0) holds 4 elements -> 1/4 each; (0,1) holds column 2 of rows
      // 0-1 -> 1/2 each; (1,0) holds row 2, columns 0-1 -> 1/2 each; (1,1) holds (2,2) alone -> 1.
      const [g] = await gradsOfSum((x) => nr.avgPool(x!, 2, 2, 'same'), [image3x3()]);
      expectClose(
        g!,
        [0.25, 0.25, 0.5, 0.25, 0.25, 0.5, 0.5, 0.5, 1],
        tol('fixture'),
        'avgPool same gradient',
        [3, 3],
      );
      // 3x3 stride 1 'same': every pixel is in the windows centred on its in-bounds neighbours; window
      // sizes are 4 at corners, 6 on edges, 9 in the centre. Corner (0,0) is in the windows of (0,0), (0,1),
      // (1,0), (1,1): 1/4 + 1/6 + 1/6 + 1/9 = 0.694444; edge (0,1) in windows of (0,0..2), (1,0..2):
      // 1/4 + 1/6 + 1/4 + 1/6 + 1/9 + 1/6 = 1.111111; the centre is in all 9: 4/4 + 4/6 + 1/9 = 1.777778
      const corner = 1 / 4 + 2 / 6 + 1 / 9;
      const edge = 2 / 4 + 3 / 6 + 1 / 9;
      const centre = 4 / 4 + 4 / 6 + 1 / 9;
      const [h] = await gradsOfSum((x) => nr.avgPool(x!, 3, 1, 'same'), [image3x3()]);
      const want = [corner, edge, corner, edge, centre, edge, corner, edge, corner];
      expectClose(h!, want, tol('fixture'), 'avgPool 3x3 same gradient', [3, 3]);
    });
  });
}
