/** The smoke test's browser bundle for the CPU backend. */
import { cpu } from '@neurona/backend-cpu';
import { runInPage } from './browser.js';

runInPage(() => cpu());
