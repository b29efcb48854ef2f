/**
 * Node module hooks for the benchmark: tfjs-core's ES module files (needed for its gradient registrations,
 * which its Node bundle lacks) import relative paths without the `.js` extension, which Node's ESM
 * resolver refuses. Retry such specifiers with `.js`.
 *
 *   node --import ./packages/backend-webgpu/scripts/tfjs-esm-hooks.mjs packages/backend-webgpu/scripts/bench-speed.mjs
 */
import { register } from 'node:module';

const hooks = `
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (e) {
    if (specifier.startsWith('.') && !specifier.endsWith('.js')) return next(specifier + '.js', context);
    throw e;
  }
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`, import.meta.url);
