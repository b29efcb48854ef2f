// What `src/index.node.ts` adds to the browser entry, for tests that import `src/index.ts` directly.
import { setNodePlatform } from '../src/device.js';
import { nodePlatform } from '../src/device-node.js';

setNodePlatform(nodePlatform);
