import { runConformance } from '@neurona/conformance';
import { webgpu } from '../src/index.js';

runConformance('webgpu', () => webgpu(), { readSync: false });
