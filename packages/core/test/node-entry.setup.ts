// What `src/index.node.ts` adds to the browser-safe entry, for tests that import `src/index.ts` directly.
import { registerNode } from '../src/node/register.js';

registerNode();
