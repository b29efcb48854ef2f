/**
 * Hand-computed forward fixtures for the neural-network ops: conv2d (padding, strides, dilation, channels),
 * max/avg pooling (asymmetric 'same' padding that must never win or count), softmax / logSoftmax
 * (including their numerical stability) and the activation functions. The arithmetic is in the comments.
 *
 * @packageDocumentation
 */
import * as nr from '@neurona/core';
import { expectTensor, type Suite } from './harness.js';

/** The 3x3 single-channel image [[1,2,3],[4,5,6],[7,8,9]] as [1, 3, 3, 1] (call inside a tidy). */
const image3x3 = (sign = 1): nr.Tensor =>
  nr.tensor4d(
    [1, 2, 3, 4, 5, 6, 7, 8, 9].map((v) => sign * v),
    [1, 3, 3, 1],
  );

/** The 2x2 filter [[1,2],[3,4]], one input and one output channel: [2, 2, 1, 1]. */
const filter2x2 = (): nr.Tensor => nr.tensor4d([1, 2, 3, 4], [2, 2, 1, 1]);

/**
 * Register the `fixtures-nn` group (conv2d, pooling, softmax, activations).
 *
 * @example
 * ```ts
 * registerNnFixtures(suite);
 * ```
 */
export function registerNnFixtures(suite: Suite): void {
  suite.group('fixtures-nn', (test) => {
    test('conv2d 3x3 input, 2x2 filter, stride 2, same, dilation 2', ['conv2d'], async ({ tol }) => {
      // X = [[1,2,3],[4,5,6],[7,8,9]], f = [[1,2],[3,4]].
      // Dilation 2 spreads the 2x2 filter over 3x3 (taps at offsets 0 and 2): effective size 3.
      // 'same' with stride 2: out = ceil(3/2) = 2; total padding = (2-1)*2 + 3 - 3 = 2 -> 1 before, 1 after.
      // With P the zero-padded 5x5 image (P[r][c] = X[r-1][c-1]), out[i][j] = sum_ab f[a][b] P[2i+2a][2j+2b]:
      // out[0][0] = 1*P00 + 2*P02 + 3*P20 + 4*P22 = 0 + 0 + 0 + 4*X11 = 4*5 = 20
      // out[0][1] = 1*P02 + 2*P04 + 3*P22 + 4*P24 = 0 + 0 + 3*5 + 0 = 15
      // out[1][0] = 1*P20 + 2*P22 + 3*P40 + 4*P42 = 0 + 2*5 + 0 + 0 = 10
      // out[1][1] = 1*P22 + 2*P24 + 3*P42 + 4*P44 = 1*5 = 5
      await expectTensor(
        () => nr.conv2d(image3x3(), filter2x2(), 2, 'same', 2),
        [1, 2, 2, 1],
        [20, 15, 10, 5],
        tol('fixture'),
        'conv2d stride 2 same dilation 2',
      );
    });

    test('conv2d same with asymmetric padding (stride 1)', ['conv2d'], async ({ tol }) => {
      // 'same', stride 1, 2x2 filter on 3x3: total padding = (3-1)*1 + 2 - 3 = 1 -> 0 before, 1 after
      // (bottom and right). out[i][j] = 1*X[i][j] + 2*X[i][j+1] + 3*X[i+1][j] + 4*X[i+1][j+1], 0 outside:
      // row 0: 1+4+12+20 = 37, 2+6+15+24 = 47, 3+0+18+0 = 21
      // row 1: 4+10+21+32 = 67, 5+12+24+36 = 77, 6+0+27+0 = 33
      // row 2: 7+16+0+0 = 23, 8+18+0+0 = 26, 9
      await expectTensor(
        () => nr.conv2d(image3x3(), filter2x2(), 1, 'same'),
        [1, 3, 3, 1],
        [37, 47, 21, 67, 77, 33, 23, 26, 9],
        tol('fixture'),
        'conv2d same stride 1',
      );
    });

    test('conv2d valid with dilation 2', ['conv2d'], async ({ tol }) => {
      // Taps at the corners of the 3x3 image: 1*X00 + 2*X02 + 3*X20 + 4*X22 = 1 + 6 + 21 + 36 = 64
      await expectTensor(
        () => nr.conv2d(image3x3(), filter2x2(), 1, 'valid', 2),
        [1, 1, 1, 1],
        [64],
        tol('fixture'),
        'conv2d valid dilation 2',
      );
    });

    test('conv2d mixes channels with an [fh, fw, in, out] filter', ['conv2d'], async ({ tol }) => {
      // x [1,1,2,2]: pixel p0 = [1, 2], p1 = [3, 4]. 1x1 filter [1,1,2,2] with w[in][out] = [[1, -1], [2, 0.5]]:
      // out(p) = [p.c0*1 + p.c1*2, p.c0*(-1) + p.c1*0.5]
      // p0: [1 + 4, -1 + 1] = [5, 0]; p1: [3 + 8, -3 + 2] = [11, -1]
      await expectTensor(
        () =>
          nr.conv2d(
            nr.tensor4d([1, 2, 3, 4], [1, 1, 2, 2]),
            nr.tensor4d([1, -1, 2, 0.5], [1, 1, 2, 2]),
            1,
            'valid',
          ),
        [1, 1, 2, 2],
        [5, 0, 11, -1],
        tol('fixture'),
        'conv2d channels',
      );
    });

    test('depthwiseConv2d keeps channels apart, multiplier 2', ['depthwiseConv2d'], async ({ tol }) => {
      // x [1,2,2,2]: channel 0 = [[1,2],[3,4]], channel 1 = [[10,20],[30,40]]. 2x2 filter [2,2,2,2],
      // valid: one output pixel, channel c*2+m = sum_taps x[tap, c] * f[tap, c, m].
      // f[tap, 0, :] = [1, 0] at every tap (channel 0 summed, then zero); f[tap, 1, :] = [tap+1, -1]:
      // out = [1+2+3+4, 0, 10*1+20*2+30*3+40*4, -(10+20+30+40)] = [10, 0, 300, -100]
      await expectTensor(
        () =>
          nr.depthwiseConv2d(
            nr.tensor4d([1, 10, 2, 20, 3, 30, 4, 40], [1, 2, 2, 2]),
            nr.tensor4d([1, 0, 1, -1, 1, 0, 2, -1, 1, 0, 3, -1, 1, 0, 4, -1], [2, 2, 2, 2]),
            1,
            'valid',
          ),
        [1, 1, 1, 4],
        [10, 0, 300, -100],
        tol('fixture'),
        'depthwiseConv2d multiplier 2',
      );
      // Same 2x2 all-ones filter per channel, 'same' on the 3x3 image (extra pad bottom/right): the window sums.
      await expectTensor(
        () => nr.depthwiseConv2d(image3x3(), nr.ones([2, 2, 1, 1]), 1, 'same'),
        [1, 3, 3, 1],
        [12, 16, 9, 24, 28, 15, 15, 17, 9],
        tol('fixture'),
        'depthwiseConv2d same',
      );
    });

    test('maxPool 2x2 stride 2 same: padding never wins', ['maxPool'], async ({ tol }) => {
      // 'same' 2x2 stride 2 on 3x3: out = 2, total padding = (2-1)*2 + 2 - 3 = 1 -> bottom and right only.
      // Windows: rows {0,1} x cols {0,1} = {1,2,4,5} -> 5; rows {0,1} x col {2} = {3,6} -> 6;
      // row {2} x cols {0,1} = {7,8} -> 8; {9} -> 9.
      await expectTensor(
        () => nr.maxPool(image3x3(), 2, 2, 'same'),
        [1, 2, 2, 1],
        [5, 6, 8, 9],
        tol('fixture'),
        'maxPool same',
      );
      // Negated image: {-1,-2,-4,-5} -> -1, {-3,-6} -> -3, {-7,-8} -> -7, {-9} -> -9 (a padded 0 must not win).
      await expectTensor(
        () => nr.maxPool(image3x3(-1), 2, 2, 'same'),
        [1, 2, 2, 1],
        [-1, -3, -7, -9],
        tol('fixture'),
        'maxPool same (negative)',
      );
    });

    test('avgPool 2x2 stride 2 same: padding is not counted', ['avgPool'], async ({ tol }) => {
      // Same windows as maxPool, averaged over in-bounds elements only:
      // (1+2+4+5)/4 = 3, (3+6)/2 = 4.5, (7+8)/2 = 7.5, 9/1 = 9
      await expectTensor(
        () => nr.avgPool(image3x3(), 2, 2, 'same'),
        [1, 2, 2, 1],
        [3, 4.5, 7.5, 9],
        tol('fixture'),
        'avgPool same',
      );
    });

    test(
      '3x3 pools, stride 1, same (one pixel of padding on every side)',
      ['maxPool', 'avgPool'],
      async ({ tol }) => {
        // total padding = (3-1)*1 + 3 - 3 = 2 -> 1 before and 1 after. Each output pools the in-bounds 3x3
        // neighbourhood. Averages: corner (0,0) {1,2,4,5} = 12/4 = 3; edge (0,1) {1..6} = 21/6 = 3.5;
        // (0,2) {2,3,5,6} = 16/4 = 4; (1,0) {1,2,4,5,7,8} = 27/6 = 4.5; centre 45/9 = 5; (1,2) {2,3,5,6,8,9} = 33/6 = 5.5;
        // (2,0) {4,5,7,8} = 24/4 = 6; (2,1) {4..9} = 39/6 = 6.5; (2,2) {5,6,8,9} = 28/4 = 7
        const avg = [3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7];
        await expectTensor(
          () => nr.avgPool(image3x3(), 3, 1, 'same'),
          [1, 3, 3, 1],
          avg,
          tol('fixture'),
          'avgPool 3x3 same',
        );
        // Maxima of the same neighbourhoods: 5, 6, 6 / 8, 9, 9 / 8, 9, 9
        const max = [5, 6, 6, 8, 9, 9, 8, 9, 9];
        await expectTensor(
          () => nr.maxPool(image3x3(), 3, 1, 'same'),
          [1, 3, 3, 1],
          max,
          tol('fixture'),
          'maxPool 3x3 same',
        );
      },
    );

    test('pools treat channels independently', ['maxPool', 'avgPool'], async ({ tol }) => {
      // x [1,2,2,2]: channel 0 = [1,2,3,4], channel 1 = [40,30,20,10] (interleaved NHWC: 1,40,2,30,3,20,4,10).
      const x = (): nr.Tensor => nr.tensor4d([1, 40, 2, 30, 3, 20, 4, 10], [1, 2, 2, 2]);
      // one 2x2 window: max = [4, 40]; mean = [(1+2+3+4)/4, (40+30+20+10)/4] = [2.5, 25]
      await expectTensor(
        () => nr.maxPool(x(), 2, 2, 'valid'),
        [1, 1, 1, 2],
        [4, 40],
        tol('fixture'),
        'maxPool channels',
      );
      await expectTensor(
        () => nr.avgPool(x(), 2, 2, 'valid'),
        [1, 1, 1, 2],
        [2.5, 25],
        tol('fixture'),
        'avgPool channels',
      );
    });

    test('softmax and logSoftmax of [1, 2, 3]', ['softmax', 'logSoftmax'], async ({ tol }) => {
      // e^1 = 2.718281828, e^2 = 7.389056099, e^3 = 20.085536923; sum = 30.192874851
      // softmax = [2.718281828, 7.389056099, 20.085536923] / 30.192874851 = [0.090030573, 0.244728471, 0.665240956]
      const sm = [0.09003057317038046, 0.24472847105479767, 0.6652409557748219];
      await expectTensor(() => nr.softmax([1, 2, 3]), [3], sm, tol('fixture'), 'softmax');
      // logSoftmax = x - ln(30.192874851) = x - 3.407605964 = [-2.407605964, -1.407605964, -0.407605964]
      const lsm = [-2.40760596444438, -1.40760596444438, -0.40760596444438];
      await expectTensor(() => nr.logSoftmax([1, 2, 3]), [3], lsm, tol('fixture'), 'logSoftmax');
    });

    test(
      'softmax and logSoftmax are stable for large logits, per row',
      ['softmax', 'logSoftmax'],
      async ({ tol }) => {
        // Softmax is shift-invariant: row [1000, 1001, 1002] = row [1, 2, 3] (e^1000 overflows if not shifted).
        // Row [-5, -5, -5]: equal logits share the mass, [1/3, 1/3, 1/3].
        const sm = [0.09003057317038046, 0.24472847105479767, 0.6652409557748219];
        const x = [
          [1000, 1001, 1002],
          [-5, -5, -5],
        ];
        await expectTensor(
          () => nr.softmax(x),
          [2, 3],
          [...sm, 1 / 3, 1 / 3, 1 / 3],
          tol('fixture'),
          'softmax rows',
        );
        // logSoftmax row 0 as above; row 1: ln(1/3) = -1.098612289 three times.
        const lsm = [-2.40760596444438, -1.40760596444438, -0.40760596444438];
        const third = -Math.log(3);
        await expectTensor(
          () => nr.logSoftmax(x),
          [2, 3],
          [...lsm, third, third, third],
          tol('fixture'),
          'logSoftmax rows',
        );
      },
    );

    test('clipByValue, relu6 and leakyRelu', ['binary', 'where'], async ({ tol }) => {
      // clip to [-1, 1]: [-2, -0.5, 0.5, 2] -> [-1, -0.5, 0.5, 1]
      await expectTensor(
        () => nr.clipByValue([-2, -0.5, 0.5, 2], -1, 1),
        [4],
        [-1, -0.5, 0.5, 1],
        tol('fixture'),
        'clipByValue',
      );
      // relu6 = min(max(x, 0), 6): [-1, 3, 7] -> [0, 3, 6]
      await expectTensor(() => nr.relu6([-1, 3, 7]), [3], [0, 3, 6], tol('fixture'), 'relu6');
      // leakyRelu(alpha = 0.2): x > 0 ? x : 0.2x -> [-2*0.2, 3] = [-0.4, 3]; alpha 0.1 on -5 -> -0.5
      await expectTensor(() => nr.leakyRelu([-2, 3]), [2], [-0.4, 3], tol('fixture'), 'leakyRelu');
      await expectTensor(() => nr.leakyRelu([-5], 0.1), [1], [-0.5], tol('fixture'), 'leakyRelu alpha 0.1');
    });

    test('elu, selu, softplus and softsign', ['unary', 'binary', 'where'], async ({ tol }) => {
      // elu: x > 0 ? x : e^x - 1 -> elu(2) = 2, elu(-1) = e^-1 - 1 = 0.367879441 - 1 = -0.632120559
      await expectTensor(() => nr.elu([2, -1]), [2], [2, -0.6321205588285577], tol('fixture'), 'elu');
      // selu = scale * (x > 0 ? x : alpha (e^x - 1)), scale = 1.0507009874, alpha = 1.6732632424:
      // selu(1) = 1.0507009874; selu(-1) = 1.0507009874 * 1.6732632424 * (-0.632120559) = -1.111330738
      await expectTensor(
        () => nr.selu([1, -1]),
        [2],
        [1.0507009873554805, -1.1113307378125625],
        tol('fixture'),
        'selu',
      );
      // softplus = ln(1 + e^x): softplus(0) = ln 2 = 0.693147181; softplus(ln 3) = ln 4 = 1.386294361;
      // softplus(-1) = ln(1 + 0.367879441) = 0.313261688; softplus(100) = 100 (no overflow); softplus(-100) ~ 3.7e-44
      const spWant = [Math.LN2, Math.log(4), 0.31326168751822286, 100, 0];
      await expectTensor(
        () => nr.softplus([0, Math.log(3), -1, 100, -100]),
        [5],
        spWant,
        tol('fixture'),
        'softplus',
      );
      // softsign = x / (1 + |x|): 1/2 = 0.5, -3/4 = -0.75, 0
      await expectTensor(() => nr.softsign([1, -3, 0]), [3], [0.5, -0.75, 0], tol('fixture'), 'softsign');
    });

    test('swish and gelu (exact and tanh approximation)', ['unary', 'binary'], async ({ tol }) => {
      // swish = x * sigmoid(x): swish(0) = 0; swish(ln 3) = 1.098612289 * 0.75 = 0.823959217;
      // swish(-ln 3) = -1.098612289 * 0.25 = -0.274653072
      const ln3 = Math.log(3);
      await expectTensor(
        () => nr.swish([0, ln3, -ln3]),
        [3],
        [0, 0.8239592165010822, -0.2746530721670274],
        tol('fixture'),
        'swish',
      );
      // gelu = x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2)): erf(1/sqrt 2) = 0.682689492 (the 1-sigma mass), so
      // gelu(1) = 0.5 * 1.682689492 = 0.841344746; gelu(-1) = -0.5 * 0.317310508 = -0.158655254;
      // erf(sqrt 2) = 0.954499736, so gelu(2) = 1 + 0.954499736 = 1.954499736
      const exact = [0, 0.8413447460685429, -0.15865525393145707, 1.9544997361036416];
      await expectTensor(() => nr.gelu([0, 1, -1, 2]), [4], exact, tol('fixture'), 'gelu');
      // approximate: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), sqrt(2/pi) = 0.797884561:
      // x = 1: tanh(0.797884561 * 1.044715) = tanh(0.833561) = 0.682383982 -> 0.841191991
      // x = -1: -0.5 * (1 - 0.682383982) = -0.158808009
      // x = 2: tanh(0.797884561 * (2 + 0.35772)) = tanh(1.881184) = 0.954597694 -> 1.954597694
      const approx = [0, 0.8411919906082768, -0.15880800939172324, 1.954597694087775];
      await expectTensor(() => nr.gelu([0, 1, -1, 2], true), [4], approx, tol('fixture'), 'gelu approximate');
    });
  });
}
