import { describe, expect, it } from 'vitest';
import { layerFlops, modelFlops, workloadFlops } from './flops.js';
import { findWorkload, type LayerSpec, workloads } from './workloads.js';

const mlpLayers: LayerSpec[] = [
  { kind: 'dense', units: 128, activation: 'relu' },
  { kind: 'dense', units: 10, activation: 'softmax' },
];

// Every expected value below is worked out by hand from the formulas in flops.ts.
describe('FLOP formulas', () => {
  it('counts dense, conv2d and recurrent layers', () => {
    expect(layerFlops({ kind: 'dense', units: 128, activation: 'relu' }, [784])).toEqual({
      forward: 200_704, // 2·784·128
      inputGrad: 200_704,
      outShape: [128],
    });
    // 28x28x1, 8 filters 5x5 valid -> 24x24x8: 2·24·24·5·5·1·8
    expect(
      layerFlops(
        { kind: 'conv2d', filters: 8, kernelSize: 5, padding: 'valid', activation: 'relu' },
        [28, 28, 1],
      ),
    ).toEqual({ forward: 230_400, inputGrad: 230_400, outShape: [24, 24, 8] });
    // 'same' keeps 32x32: 2·32·32·3·3·3·32
    expect(
      layerFlops(
        { kind: 'conv2d', filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' },
        [32, 32, 3],
      ).forward,
    ).toBe(1_769_472);
    // LSTM(64) on 50x8: 2·50·4·(8·64 + 64·64); input part 2·50·4·8·64
    expect(layerFlops({ kind: 'lstm', units: 64 }, [50, 8])).toEqual({
      forward: 1_843_200,
      inputGrad: 204_800,
      outShape: [64],
    });
    expect(layerFlops({ kind: 'gru', units: 64 }, [50, 8]).forward).toBe(1_382_400); // 2·50·3·4608
    expect(layerFlops({ kind: 'simpleRNN', units: 32 }, [50, 8]).forward).toBe(128_000); // 2·50·(256 + 1024)
    expect(layerFlops({ kind: 'maxPool', poolSize: 2 }, [13, 13, 64]).outShape).toEqual([6, 6, 64]);
    expect(layerFlops({ kind: 'flatten' }, [4, 4, 16]).outShape).toEqual([256]);
  });

  it('counts whole models for inference and training', () => {
    // mlp: 200704 + 2·128·10 = 203264; train 3·203264 − 200704 (no gradient for the data)
    expect(modelFlops({ inputShape: [784], layers: mlpLayers })).toEqual({ infer: 203_264, train: 409_088 });
    expect(workloadFlops(findWorkload('mlp', false), 'train')).toBe(409_088);
    // xor: 2·2·8 + 2·8·2 = 64; train 3·64 − 32
    expect(workloadFlops(findWorkload('xor', false), 'infer')).toBe(64);
    expect(workloadFlops(findWorkload('xor', false), 'train')).toBe(160);
    // cnn-small: 230400 + 2·8·8·5·5·8·16 (409600) + 2·256·10 (5120) = 645120; train 3·645120 − 230400
    expect(workloadFlops(findWorkload('cnn-small', false), 'infer')).toBe(645_120);
    expect(workloadFlops(findWorkload('cnn-small', false), 'train')).toBe(1_704_960);
    // lstm: 1843200 + 2·64·10 = 1844480; train 3·1844480 − 204800
    expect(workloadFlops(findWorkload('lstm', false), 'infer')).toBe(1_844_480);
    expect(workloadFlops(findWorkload('lstm', false), 'train')).toBe(5_328_640);
    // cnn-large: 1769472 + 2·30·30·9·32·32 (16588800) + 2·15·15·9·32·64 (8294400)
    //   + 2·13·13·9·64·64 (12460032) + 2·2304·512 (2359296) + 2·512·10 (10240) = 41482240
    expect(workloadFlops(findWorkload('cnn-large', false), 'infer')).toBe(41_482_240);
    expect(workloadFlops(findWorkload('cnn-large', false), 'train')).toBe(3 * 41_482_240 - 1_769_472);
  });

  it('counts the character model of apps/sequence-rnn (embedding, LSTM over every step, dense per step)', () => {
    // An embedding is a lookup: no FLOPs, output [64, 32].
    expect(layerFlops({ kind: 'embedding', inputDim: 82, outputDim: 32 }, [64])).toEqual({
      forward: 0,
      inputGrad: 0,
      outShape: [64, 32],
    });
    // LSTM(128) returning its sequence: 2·64·4·(32·128 + 128·128) = 512·20480 = 10,485,760; output [64, 128].
    expect(layerFlops({ kind: 'lstm', units: 128, returnSequences: true }, [64, 32])).toEqual({
      forward: 10_485_760,
      inputGrad: 2_097_152, // 2·64·4·32·128
      outShape: [64, 128],
    });
    // Dense 82 at each of the 64 steps: 2·64·128·82 = 1,343,488.
    expect(layerFlops({ kind: 'dense', units: 82, activation: 'softmax' }, [64, 128])).toEqual({
      forward: 1_343_488,
      inputGrad: 1_343_488,
      outShape: [64, 82],
    });
    // Inference 10,485,760 + 1,343,488 = 11,829,248. Training: 3x, with nothing skipped: the embedding's
    // weights need the LSTM's input gradient: 3·11,829,248 = 35,487,744.
    const w = findWorkload('char-lstm', false);
    expect(workloadFlops(w, 'infer')).toBe(11_829_248);
    expect(workloadFlops(w, 'train')).toBe(35_487_744);
  });

  it('counts matmul as 2n³, or 6n³ with both gradients', () => {
    expect(workloadFlops(findWorkload('matmul-1024', false), 'infer')).toBe(2 * 1024 ** 3);
    expect(workloadFlops(findWorkload('matmul-256', false), 'train')).toBe(100_663_296);
  });

  it('has a finite, positive count for every workload, quick or not', () => {
    for (const quick of [false, true]) {
      for (const w of workloads(quick)) {
        for (const mode of ['train', 'infer'] as const) expect(workloadFlops(w, mode)).toBeGreaterThan(0);
        expect(workloadFlops(w, 'train')).toBeGreaterThan(workloadFlops(w, 'infer'));
      }
    }
  });

  it('rejects a layer that does not fit its input', () => {
    expect(() => layerFlops({ kind: 'dense', units: 3, activation: 'linear' }, [2, 2, 2])).toThrow(
      /dense expects a flat input or a sequence/,
    );
    expect(() => layerFlops({ kind: 'embedding', inputDim: 5, outputDim: 2 }, [4, 3])).toThrow(
      /embedding expects \[steps\] token ids/,
    );
    expect(() =>
      layerFlops(
        { kind: 'conv2d', filters: 1, kernelSize: 5, padding: 'valid', activation: 'relu' },
        [3, 3, 1],
      ),
    ).toThrow(/kernel 5 is larger than the input/);
  });
});
