/**
 * `@neurona/backend-webgpu` in Node (the `node` export condition selects this file): the browser entry
 * plus Dawn (the npm package `webgpu`) as the GPU when there is no `navigator.gpu`.
 *
 * @example
 * ```ts
 * import { webgpu } from '@neurona/backend-webgpu'; // in Node this entry
 * await nr.setBackend(await webgpu());
 * ```
 *
 * @module @neurona/backend-webgpu
 * @packageDocumentation
 */
import { setNodePlatform } from './device.js';
import { nodePlatform } from './device-node.js';

export * from './index.js';

setNodePlatform(nodePlatform);
