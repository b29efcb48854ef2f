/**
 * The smoke test's Node program: `node node.js <cpu|wasm|webgpu> <folder>` trains XOR on that backend, saves
 * the model to `file://<folder>`, loads it back and prints the {@link XorResult} as JSON.
 *
 * @example
 * ```ts
 * // node dist/node.js cpu /tmp/xor-model
 * ```
 */
import { cpu } from '@neurona/backend-cpu';
import { wasm } from '@neurona/backend-wasm';
import { webgpu } from '@neurona/backend-webgpu';
import type { Backend } from '@neurona/core';
import { trainXor } from './xor.js';

const backends: Record<string, () => Backend | Promise<Backend>> = { cpu: () => cpu(), wasm, webgpu };
const [name = '', folder = ''] = process.argv.slice(2);
const make = backends[name];
if (!make || !folder) throw new Error(`usage: node node.js <${Object.keys(backends).join('|')}> <folder>`);
const result = await trainXor(await make(), `file://${folder}`);
console.log(JSON.stringify(result));
process.exit(0);
