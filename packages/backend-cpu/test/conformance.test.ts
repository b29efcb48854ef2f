import { runConformance } from '@neurona/conformance';
import { cpu } from '../src/index.js';

runConformance('cpu', () => cpu());
