/** The smoke test's browser bundle for the WebAssembly backend (the page serves tfjs's `.wasm` files). */
import { wasm } from '@neurona/backend-wasm';
import { runInPage } from './browser.js';

runInPage(() => wasm({ wasmPaths: '/tfjs-wasm/' }));
