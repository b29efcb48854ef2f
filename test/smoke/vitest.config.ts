import { defineConfig } from 'vitest/config';

// The tarball smoke test: it packs the public packages and installs them outside the workspace, so it needs
// none of the source-resolution conditions of the other projects.
export default defineConfig({
  test: { name: 'smoke', include: ['*.test.ts'], testTimeout: 300_000, hookTimeout: 600_000 },
});
