import { projectConfig } from '../../vitest.shared.js';

export default projectConfig('sequence-rnn', 300_000);
