import { mergeConfig } from 'vitest/config';
import { projectConfig } from '../../vitest.shared.js';

// The tests import `src/index.ts` (the browser entry) by relative path; in Node they run as the Node entry
// would, with Dawn registered.
export default mergeConfig(projectConfig('backend-webgpu', 300_000), {
  test: { setupFiles: ['./test/node-entry.setup.ts'] },
});
