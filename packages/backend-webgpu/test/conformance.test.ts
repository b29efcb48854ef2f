import { runConformance } from '@neurona/conformance';
import { describe } from 'vitest';
import { requireCapability } from '../../../test-utils/capabilities.js';
import { webgpu } from '../src/index.js';

const hasGpu = await requireCapability('webgpu', 'backend-webgpu conformance');

describe.runIf(hasGpu)('webgpu backend', () => {
  runConformance('webgpu', () => webgpu(), { readSync: false });
});
