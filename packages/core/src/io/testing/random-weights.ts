import { Rng } from '../../engine/random.js';
import type { WeightSpec } from '../types.js';

/**
 * Seeded random float32 weight data for a manifest (what a test feeds to Neurona and tfjs-layers alike when a
 * model's weights were not published): values scaled by the fan-in, positive (0.75 to 1.25) for batch-norm
 * `moving_variance` and `gamma`.
 */
export function randomWeightData(specs: readonly WeightSpec[], seed: number): ArrayBuffer {
  const rng = new Rng(seed);
  const sizes = specs.map((s) => s.shape.reduce((p, d) => p * d, 1));
  const out = new Float32Array(sizes.reduce((a, b) => a + b, 0));
  let at = 0;
  for (const [i, spec] of specs.entries()) {
    if (spec.dtype !== 'float32' || spec.quantization) {
      throw new Error(`randomWeightData: weight '${spec.name}' must be plain float32, got ${spec.dtype}`);
    }
    const positive = /moving_variance|gamma/.test(spec.name);
    const fanIn = spec.shape.length > 1 ? spec.shape.slice(0, -1).reduce((p, d) => p * d, 1) : 16;
    const a = Math.sqrt(3 / fanIn);
    for (let j = 0; j < sizes[i]!; j++) {
      out[at++] = positive ? 0.75 + rng.uniform() * 0.5 : (rng.uniform() * 2 - 1) * a;
    }
  }
  return out.buffer;
}
