/**
 * Import this first in a test that uses TensorFlow.js: it turns on tfjs's production mode (its public
 * `enableProdMode()`, the `PROD` flag), which silences tfjs's console messages such as the
 * "Hi, looks like you are running TensorFlow.js in Node.js" banner the CPU backend prints on first use.
 * The flag only gates tfjs's logging; kernels and results are unaffected.
 *
 * ```ts
 * import '../../../test-utils/quiet-tfjs.js';
 * import * as tf from '@tensorflow/tfjs-core';
 * ```
 */
import { enableProdMode } from '@tensorflow/tfjs-core';

enableProdMode();
