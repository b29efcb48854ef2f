import { defineConfig } from 'vitest/config';

// Resolve @neurona/* packages to their TypeScript sources (the '@neurona/source' export condition), so
// tests run without a build. Vite applies `ssr.resolve.conditions` in vitest's Node environment.
const conditions = ['@neurona/source', 'module', 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: { name: 'conformance', include: ['src/**/*.test.ts', 'test/**/*.test.ts'], testTimeout: 60_000 },
});
