import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      'packages/*/vitest.config.ts',
      'apps/*/vitest.config.ts',
      'docs/vitest.config.ts',
      'test/smoke/vitest.config.ts',
    ],
  },
});
