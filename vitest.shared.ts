import { defineConfig } from 'vitest/config';

// Resolve @neurona/* packages to their TypeScript sources (the '@neurona/source' export condition), so
// tests run without a build. Vite applies `ssr.resolve.conditions` in vitest's Node environment.
const conditions = ['@neurona/source', 'module', 'node', 'development|production'];

/** The vitest project config every package and app uses. */
export function projectConfig(name: string, testTimeout = 60_000) {
  return defineConfig({
    resolve: { conditions },
    ssr: { resolve: { conditions } },
    test: { name, include: ['src/**/*.test.ts', 'test/**/*.test.ts'], testTimeout },
  });
}
