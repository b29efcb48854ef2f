/**
 * The page's training worker: it answers `nr.fitInWorker` requests from the page with the page's backends.
 *
 * @packageDocumentation
 */
import { serveFitWorker } from '@neurona/core';
import { WEB_BACKENDS } from './backends.js';

serveFitWorker({ backends: WEB_BACKENDS });
