/**
 * Hand-computed forward fixtures for elementwise ops, broadcasting, where, cast, matMul and reductions.
 * Every expected value is worked out by hand in the comment next to it, so a reader can check it without
 * running anything. Movement ops are in `fixtures-movement.ts`; convolution, pooling, softmax and
 * activations in `fixtures-nn.ts`.
 *
 * @packageDocumentation
 */
import * as nr from '@neurona/core';
import { expectTensor, type Suite } from './harness.js';

/**
 * Register the `fixtures` group (elementwise, broadcasting, where, cast, matMul, reductions).
 *
 * @example
 * ```ts
 * registerFixtures(suite);
 * ```
 */
export function registerFixtures(suite: Suite): void {
  suite.group('fixtures', (test) => {
    test('broadcasting add [2,1] + [3]', ['binary'], async ({ tol }) => {
      // [[1],[2]] + [10,20,30]: row r gets r's value added to every column.
      // [[1+10, 1+20, 1+30], [2+10, 2+20, 2+30]] = [[11, 21, 31], [12, 22, 32]]
      await expectTensor(
        () => nr.add([[1], [2]], [10, 20, 30]),
        [2, 3],
        [11, 21, 31, 12, 22, 32],
        tol('fixture'),
        'add',
      );
    });

    test('broadcasting sub/mul/div of [2,1,2] and [3,1]', ['binary'], async ({ tol }) => {
      // a = [[[1,2]], [[3,4]]] (shape [2,1,2]), b = [[1],[2],[4]] (shape [3,1]) -> result [2,3,2],
      // out[i][j][k] = a[i][0][k] op b[j][0].
      const a = [[[1, 2]], [[3, 4]]];
      const b = [[1], [2], [4]];
      // sub: i=0: [1-1,2-1, 1-2,2-2, 1-4,2-4] = [0,1, -1,0, -3,-2]; i=1: [2,3, 1,2, -1,0]
      await expectTensor(
        () => nr.sub(a, b),
        [2, 3, 2],
        [0, 1, -1, 0, -3, -2, 2, 3, 1, 2, -1, 0],
        tol('fixture'),
        'sub',
      );
      // mul: i=0: [1,2, 2,4, 4,8]; i=1: [3,4, 6,8, 12,16]
      await expectTensor(
        () => nr.mul(a, b),
        [2, 3, 2],
        [1, 2, 2, 4, 4, 8, 3, 4, 6, 8, 12, 16],
        tol('fixture'),
        'mul',
      );
      // div: i=0: [1,2, 0.5,1, 0.25,0.5]; i=1: [3,4, 1.5,2, 0.75,1]
      const q = [1, 2, 0.5, 1, 0.25, 0.5, 3, 4, 1.5, 2, 0.75, 1];
      await expectTensor(() => nr.div(a, b), [2, 3, 2], q, tol('fixture'), 'div');
    });

    test('pow, maximum, minimum, mod at known points', ['binary'], async ({ tol }) => {
      // pow: 2^3 = 8, 4^0.5 = 2, 9^-1 = 1/9 = 0.111111, 5^0 = 1
      await expectTensor(
        () => nr.pow([2, 4, 9, 5], [3, 0.5, -1, 0]),
        [4],
        [8, 2, 1 / 9, 1],
        tol('fixture'),
        'pow',
      );
      // maximum/minimum of [1, -2, 3] and [0, -1, 3]: [1, -1, 3] and [0, -2, 3]
      await expectTensor(
        () => nr.maximum([1, -2, 3], [0, -1, 3]),
        [3],
        [1, -1, 3],
        tol('fixture'),
        'maximum',
      );
      await expectTensor(
        () => nr.minimum([1, -2, 3], [0, -1, 3]),
        [3],
        [0, -2, 3],
        tol('fixture'),
        'minimum',
      );
      // mod is floor-mod (the result takes the divisor's sign), as in TensorFlow.js:
      // 7 mod 3 = 1; -7 mod 3 = -7 - 3*floor(-7/3) = -7 - 3*(-3) = 2; 7 mod -3 = 7 - (-3)*floor(-7/3) = 7 - 9 = -2
      await expectTensor(() => nr.mod([7, -7, 7], [3, 3, -3]), [3], [1, 2, -2], tol('fixture'), 'mod');
    });

    test('int32 arithmetic: floor division keeps int32', ['binary'], async ({ tol }) => {
      const a = nr.tensor([7, -7, 6], [3], 'int32');
      const b = nr.tensor([2, 2, 3], [3], 'int32');
      // floor(7/2) = 3, floor(-7/2) = floor(-3.5) = -4, floor(6/3) = 2
      await expectTensor(() => nr.div(a, b), [3], [3, -4, 2], tol('fixture'), 'div int32', 'int32');
      // 7+2 = 9, -7+2 = -5, 6+3 = 9
      await expectTensor(() => nr.add(a, b), [3], [9, -5, 9], tol('fixture'), 'add int32', 'int32');
      nr.dispose([a, b]);
    });

    test('comparisons and logical ops give bool', ['binary', 'unary'], async ({ tol }) => {
      const a = [1, 2, 3];
      const b = [2, 2, 2];
      await expectTensor(() => nr.less(a, b), [3], [1, 0, 0], tol('fixture'), 'less', 'bool');
      await expectTensor(() => nr.lessEqual(a, b), [3], [1, 1, 0], tol('fixture'), 'lessEqual', 'bool');
      await expectTensor(() => nr.greater(a, b), [3], [0, 0, 1], tol('fixture'), 'greater', 'bool');
      await expectTensor(() => nr.greaterEqual(a, b), [3], [0, 1, 1], tol('fixture'), 'greaterEqual', 'bool');
      await expectTensor(() => nr.equal(a, b), [3], [0, 1, 0], tol('fixture'), 'equal', 'bool');
      await expectTensor(() => nr.notEqual(a, b), [3], [1, 0, 1], tol('fixture'), 'notEqual', 'bool');
      const p = [true, true, false, false];
      const q = [true, false, true, false];
      await expectTensor(() => nr.logicalAnd(p, q), [4], [1, 0, 0, 0], tol('fixture'), 'logicalAnd', 'bool');
      await expectTensor(() => nr.logicalOr(p, q), [4], [1, 1, 1, 0], tol('fixture'), 'logicalOr', 'bool');
      await expectTensor(() => nr.logicalNot(p), [4], [0, 0, 1, 1], tol('fixture'), 'logicalNot', 'bool');
    });

    test('unary ops at known points', ['unary', 'binary'], async ({ tol }) => {
      const t = tol('fixture');
      // neg, abs, sign, square of [-2, 0, 3]
      await expectTensor(() => nr.neg([-2, 0, 3]), [3], [2, 0, -3], t, 'neg');
      await expectTensor(() => nr.abs([-2, 0, 3]), [3], [2, 0, 3], t, 'abs');
      await expectTensor(() => nr.sign([-2, 0, 3]), [3], [-1, 0, 1], t, 'sign');
      await expectTensor(() => nr.square([-2, 0, 3]), [3], [4, 0, 9], t, 'square');
      // exp(0) = 1, exp(1) = e = 2.7182818, exp(ln 2 = 0.6931472) = 2
      await expectTensor(() => nr.exp([0, 1, Math.LN2]), [3], [1, Math.E, 2], t, 'exp');
      // expm1(0) = 0, expm1(1) = e - 1 = 1.7182818
      await expectTensor(() => nr.expm1([0, 1]), [2], [0, Math.E - 1], t, 'expm1');
      // Near 0, expm1 and log1p must keep their relative precision (their reason to exist). For x = 1e-7,
      // expm1(x) = x + x^2/2 = x (1 + 5e-8) and log1p(x) = x (1 - 5e-8), so both divided by x give 1, while
      // float32 exp(x) - 1 and log(1 + x) give 1.19e-7 (1 + 1e-7 rounds to 1 + 2^-23), i.e. 1.19 after the division.
      const tiny = [1e-7, -1e-6];
      await expectTensor(() => nr.div(nr.expm1(tiny), tiny), [2], [1, 1], t, 'expm1(x) / x near 0');
      await expectTensor(() => nr.div(nr.log1p(tiny), tiny), [2], [1, 1], t, 'log1p(x) / x near 0');
      // log(1) = 0, log(e) = 1, log(0.5) = -ln 2 = -0.6931472; log(0) = -Infinity
      await expectTensor(() => nr.log([1, Math.E, 0.5, 0]), [4], [0, 1, -Math.LN2, -Infinity], t, 'log');
      // log1p(0) = 0, log1p(1) = ln 2 = 0.6931472
      await expectTensor(() => nr.log1p([0, 1]), [2], [0, Math.LN2], t, 'log1p');
      // sqrt of [0, 4, 2.25] = [0, 2, 1.5]; rsqrt of [4, 0.25] = [0.5, 2]; reciprocal of [4, -0.5] = [0.25, -2]
      await expectTensor(() => nr.sqrt([0, 4, 2.25]), [3], [0, 2, 1.5], t, 'sqrt');
      await expectTensor(() => nr.rsqrt([4, 0.25]), [2], [0.5, 2], t, 'rsqrt');
      await expectTensor(() => nr.reciprocal([4, -0.5]), [2], [0.25, -2], t, 'reciprocal');
      // floor of [-1.5, -0.2, 0.7, 2.3] = [-2, -1, 0, 2]; ceil = [-1, -0, 1, 3]
      await expectTensor(() => nr.floor([-1.5, -0.2, 0.7, 2.3]), [4], [-2, -1, 0, 2], t, 'floor');
      await expectTensor(() => nr.ceil([-1.5, -0.2, 0.7, 2.3]), [4], [-1, 0, 1, 3], t, 'ceil');
      // round to nearest: [-1.7, -0.2, 0.7, 2.3] -> [-2, -0, 1, 2]; halves go to the even neighbour (as in
      // NumPy and TensorFlow): [0.5, 1.5, 2.5, -0.5, -2.5] -> [0, 2, 2, -0, -2]
      await expectTensor(() => nr.round([-1.7, -0.2, 0.7, 2.3]), [4], [-2, 0, 1, 2], t, 'round');
      await expectTensor(
        () => nr.round([0.5, 1.5, 2.5, -0.5, -2.5]),
        [5],
        [0, 2, 2, 0, -2],
        t,
        'round half to even',
      );
      // erf(0) = 0, erf(0.5) = 0.5204999, erf(1) = 0.8427008, erf(-2) = -0.9953223
      const erfWant = [0, 0.5204998778, 0.8427007929, -0.995322265];
      await expectTensor(() => nr.erf([0, 0.5, 1, -2]), [4], erfWant, t, 'erf');
    });

    test('sigmoid, tanh, relu and step at known points', ['unary'], async ({ tol }) => {
      const t = tol('fixture');
      // sigmoid(x) = 1 / (1 + e^-x): sigmoid(0) = 1/2; sigmoid(ln 3) = 1 / (1 + 1/3) = 3/4;
      // sigmoid(-ln 3) = 1 / (1 + 3) = 1/4; sigmoid(+-100) = 1 and ~0 (3.7e-44), with no NaN from e^100.
      const ln3 = Math.log(3);
      await expectTensor(
        () => nr.sigmoid([0, ln3, -ln3, 100, -100]),
        [5],
        [0.5, 0.75, 0.25, 1, 0],
        t,
        'sigmoid',
      );
      // tanh(x) = (e^x - e^-x) / (e^x + e^-x): tanh(ln 2) = (2 - 1/2) / (2 + 1/2) = 1.5 / 2.5 = 0.6;
      // tanh(+-100) = +-1 with no Infinity/Infinity = NaN.
      const ln2 = Math.LN2;
      await expectTensor(() => nr.tanh([0, ln2, -ln2, 100, -100]), [5], [0, 0.6, -0.6, 1, -1], t, 'tanh');
      // relu(x) = max(x, 0)
      await expectTensor(() => nr.relu([-3, -0.1, 0, 0.1, 3]), [5], [0, 0, 0, 0.1, 3], t, 'relu');
      // step(x) = 1 where x >= 0 (so step(0) = step(-0) = 1), else 0; float32 output
      const stepIn = [-2, -1e-30, -0, 0, 1e-30, 2];
      await expectTensor(() => nr.step(stepIn), [6], [0, 0, 1, 1, 1, 1], t, 'step', 'float32');
    });

    test('where broadcasts condition and branches', ['where'], async ({ tol }) => {
      // cond [2] = [true, false] picks column 0 from a, column 1 from b = 0:
      // [[1, 0], [3, 0]]
      await expectTensor(
        () =>
          nr.where(
            [true, false],
            [
              [1, 2],
              [3, 4],
            ],
            0,
          ),
        [2, 2],
        [1, 0, 3, 0],
        tol('fixture'),
        'where',
      );
    });

    test('cast between dtypes', ['cast'], async ({ tol }) => {
      // float -> int32 truncates toward zero: [1.7, -1.7, 0, 2.5] -> [1, -1, 0, 2]
      await expectTensor(
        () => nr.cast([1.7, -1.7, 0, 2.5], 'int32'),
        [4],
        [1, -1, 0, 2],
        tol('fixture'),
        'cast int32',
        'int32',
      );
      // to bool: x != 0 -> [1, 1, 0, 1]
      await expectTensor(
        () => nr.cast([1.7, -1.7, 0, 2.5], 'bool'),
        [4],
        [1, 1, 0, 1],
        tol('fixture'),
        'cast bool',
        'bool',
      );
      // bool -> float32: [1, 0]
      await expectTensor(
        () => nr.cast([true, false], 'float32'),
        [2],
        [1, 0],
        tol('fixture'),
        'cast float',
        'float32',
      );
    });

    test('matMul with every transpose combination', ['matmul'], async ({ tol }) => {
      const t = tol('fixture');
      const a = [
        [1, 2],
        [3, 4],
      ];
      const b = [
        [5, 6],
        [7, 8],
      ];
      // A B = [[1*5+2*7, 1*6+2*8], [3*5+4*7, 3*6+4*8]] = [[19, 22], [43, 50]]
      await expectTensor(() => nr.matMul(a, b), [2, 2], [19, 22, 43, 50], t, 'matMul');
      // Aᵀ = [[1,3],[2,4]]: Aᵀ B = [[1*5+3*7, 1*6+3*8], [2*5+4*7, 2*6+4*8]] = [[26, 30], [38, 44]]
      await expectTensor(() => nr.matMul(a, b, true, false), [2, 2], [26, 30, 38, 44], t, 'matMul Aᵀ B');
      // Bᵀ = [[5,7],[6,8]]: A Bᵀ = [[1*5+2*6, 1*7+2*8], [3*5+4*6, 3*7+4*8]] = [[17, 23], [39, 53]]
      await expectTensor(() => nr.matMul(a, b, false, true), [2, 2], [17, 23, 39, 53], t, 'matMul A Bᵀ');
      // Aᵀ Bᵀ = [[1*5+3*6, 1*7+3*8], [2*5+4*6, 2*7+4*8]] = [[23, 31], [34, 46]]
      await expectTensor(() => nr.matMul(a, b, true, true), [2, 2], [23, 31, 34, 46], t, 'matMul Aᵀ Bᵀ');
      // Non-square: [[1,2,3],[4,5,6]] [[1],[0],[-1]] = [[1-3], [4-6]] = [[-2], [-2]]
      await expectTensor(
        () =>
          nr.matMul(
            [
              [1, 2, 3],
              [4, 5, 6],
            ],
            [[1], [0], [-1]],
          ),
        [2, 1],
        [-2, -2],
        t,
        'matMul 2x3 3x1',
      );
      // Batched with a broadcast batch of 1: a [2,1,2] = [[[1,2]], [[3,4]]], b [1,2,1] = [[[10],[1]]]:
      // [[1*10+2*1]] = 12 and [[3*10+4*1]] = 34
      await expectTensor(
        () => nr.matMul([[[1, 2]], [[3, 4]]], [[[10], [1]]]),
        [2, 1, 1],
        [12, 34],
        t,
        'batched matMul',
      );
    });

    test('reductions with axes and keepDims', ['reduce'], async ({ tol }) => {
      const t = tol('fixture');
      const x = [
        [1, 2, 3],
        [4, 5, 6],
      ];
      // sum axis 0: [1+4, 2+5, 3+6] = [5, 7, 9]
      await expectTensor(() => nr.sum(x, 0), [3], [5, 7, 9], t, 'sum axis 0');
      // sum axis 1 keepDims: [[1+2+3], [4+5+6]] = [[6], [15]]
      await expectTensor(() => nr.sum(x, 1, true), [2, 1], [6, 15], t, 'sum axis 1 keepDims');
      // sum of all: 21 (a scalar); keepDims over both axes: [[21]]
      await expectTensor(() => nr.sum(x), [], [21], t, 'sum all');
      await expectTensor(() => nr.sum(x, [0, 1], true), [1, 1], [21], t, 'sum all keepDims');
      // mean axis 1: [6/3, 15/3] = [2, 5]; mean axis -2 keepDims: [[5/2, 7/2, 9/2]]
      await expectTensor(() => nr.mean(x, 1), [2], [2, 5], t, 'mean axis 1');
      await expectTensor(() => nr.mean(x, -2, true), [1, 3], [2.5, 3.5, 4.5], t, 'mean axis -2 keepDims');
      // max axis 0: [4, 5, 6]; min axis 1 keepDims: [[1], [4]]; prod axis 1: [1*2*3, 4*5*6] = [6, 120]
      await expectTensor(() => nr.max(x, 0), [3], [4, 5, 6], t, 'max axis 0');
      await expectTensor(() => nr.min(x, 1, true), [2, 1], [1, 4], t, 'min axis 1 keepDims');
      await expectTensor(() => nr.prod(x, 1), [2], [6, 120], t, 'prod axis 1');
      // argMax along axis 1: [2, 2]; ties: the first occurrence wins, argMax([3, 1, 3]) = 0, argMin([1, 0, 0]) = 1
      await expectTensor(() => nr.argMax(x, 1), [2], [2, 2], t, 'argMax axis 1', 'int32');
      await expectTensor(() => nr.argMax([3, 1, 3]), [], [0], t, 'argMax tie', 'int32');
      await expectTensor(() => nr.argMin([1, 0, 0]), [], [1], t, 'argMin tie', 'int32');
      // Over a middle axis of a [2,2,2] tensor 0..7: sum axis 1: [[0+2, 1+3], [4+6, 5+7]] = [[2, 4], [10, 12]]
      const cube = nr.reshape(nr.range(0, 8), [2, 2, 2]);
      await expectTensor(() => nr.sum(cube, 1), [2, 2], [2, 4, 10, 12], t, 'sum middle axis');
      cube.dispose();
    });

    test('reductions over zero elements give the identity', ['reduce'], async ({ tol }) => {
      const t = tol('fixture');
      const empty = nr.zeros([0, 3]);
      // Reducing the empty axis 0 leaves 3 empty rows: sum 0, prod 1, max -Inf, min +Inf.
      await expectTensor(() => nr.sum(empty, 0), [3], [0, 0, 0], t, 'sum of []');
      await expectTensor(() => nr.prod(empty, 0), [3], [1, 1, 1], t, 'prod of []');
      await expectTensor(() => nr.max(empty, 0), [3], [-Infinity, -Infinity, -Infinity], t, 'max of []');
      await expectTensor(() => nr.min(empty, 0), [3], [Infinity, Infinity, Infinity], t, 'min of []');
      // Reducing axis 1 of [0, 3] gives a [0] result.
      await expectTensor(() => nr.sum(empty, 1), [0], [], t, 'sum to [0]');
      empty.dispose();
    });
  });
}
