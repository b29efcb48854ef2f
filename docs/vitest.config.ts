import { projectConfig } from '../vitest.shared.js';

export default projectConfig('docs', 120_000);
