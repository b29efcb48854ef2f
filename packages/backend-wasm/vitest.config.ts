import { projectConfig } from '../../vitest.shared.js';

export default projectConfig('backend-wasm', 300_000);
