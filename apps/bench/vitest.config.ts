import { projectConfig } from '../../vitest.shared.js';

export default projectConfig('bench', 300_000);
