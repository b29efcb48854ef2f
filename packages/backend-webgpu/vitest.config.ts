import { projectConfig } from '../../vitest.shared.js';

export default projectConfig('backend-webgpu', 300_000);
