import { runConformance } from '@neurona/conformance';
import { cpu } from '../src/index.js';

// Defaults: the WebAssembly SIMD kernels, threads only for large jobs.
runConformance('cpu', () => cpu());
// Every job split over two threads, so the worker pool runs the whole suite too.
runConformance('cpu-fast-threads', () => cpu({ threads: 2, parallelThreshold: 0 }), { matrixFile: false });
// The TypeScript reference kernels alone: the oracle the fast path is tested against.
runConformance('cpu-reference', () => cpu({ fast: false }), { matrixFile: false });
