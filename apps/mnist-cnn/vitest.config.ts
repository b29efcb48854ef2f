import { projectConfig } from '../../vitest.shared.js';

export default projectConfig('mnist-cnn', 300_000);
