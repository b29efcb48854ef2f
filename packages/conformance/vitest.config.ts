import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@neurona/source'] },
  test: { name: 'conformance', include: ['src/**/*.test.ts', 'test/**/*.test.ts'], testTimeout: 60_000 },
});
