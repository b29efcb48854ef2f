import { runConformance } from '@neurona/conformance';
import { wasm } from '../src/index.js';

runConformance('wasm', () => wasm(), { readSync: true });
