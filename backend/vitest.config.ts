import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/postgres.ts'],
    testTimeout: 20_000,
    // Names a test file that hangs and fails the run (test/support/hangGuard.ts, shared with the plugin's tests).
    reporters: ['default', '../test/support/hangGuard.ts'],
    hookTimeout: 30_000,
  },
});
