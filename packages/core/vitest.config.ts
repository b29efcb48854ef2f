import { mergeConfig } from 'vitest/config';
import { projectConfig } from '../../vitest.shared.js';

// Core's own tests import `src/index.ts` (the browser-safe entry) by relative path; in Node they run as the
// Node entry would, with `file://` and the terminal progress bar registered.
export default mergeConfig(projectConfig('core'), { test: { setupFiles: ['./test/node-entry.setup.ts'] } });
