/** The smoke test's browser bundle for the WebGPU backend. */
import { webgpu } from '@neurona/backend-webgpu';
import { runInPage } from './browser.js';

runInPage(() => webgpu());
