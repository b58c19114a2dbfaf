import { defineConfig } from 'vitest/config';

/** End-to-end suites: a built server as a black box, driven by Chromium. One file at a time. */
export default defineConfig({
  test: {
    include: ['packages/*/test/e2e/**/*.e2e.ts'],
    globalSetup: ['packages/server/test/e2e/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
