/**
 * The page's training worker: it answers `fitInWorker` requests from the page with the page's backends.
 *
 * @packageDocumentation
 */
import { WEB_BACKENDS } from './backends.js';
import { serveFitWorker } from './fit-in-worker-shim.js';

serveFitWorker({ backends: WEB_BACKENDS });
