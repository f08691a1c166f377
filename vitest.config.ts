import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const path = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

// Tests load the real @spinnaker/core in jsdom. It and @spinnaker/presentation publish only a "module" entry, and
// its dist imports 'root/version.json', an alias of Deck's own build.
const shared = {
  resolve: {
    alias: {
      '@spinnaker/core': path('node_modules/@spinnaker/core/dist/index.js'),
      '@spinnaker/presentation': path('node_modules/@spinnaker/presentation/dist/index.js'),
      'root/version.json': path('test/fixtures/version.json'),
    },
  },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['test/setup.ts'],
    server: { deps: { inline: [/@spinnaker/] } },
  },
};

// Only these projects run from the root; the backend runs its own backend/vitest.config.ts.
export default defineConfig({
  test: {
    // Names a test file that hangs and fails the run (test/support/hangGuard.ts).
    reporters: ['default', './test/support/hangGuard.ts'],
    projects: [
      {
        ...shared,
        test: {
          ...shared.test,
          name: 'plugin',
          include: ['test/**/*.test.{ts,tsx}'],
          exclude: ['test/bundle/**', 'test/browser/**', 'test/release/**', 'test/e2e/**'],
          // Deck's real components in jsdom are slow on a loaded 2-core machine; 5 s is vitest's default.
          testTimeout: 20_000,
        },
      },
      { ...shared, test: { ...shared.test, name: 'bundle', include: ['test/bundle/**/*.test.ts'] } },
      // Real Chromium driven by playwright-core; pages are bundled by the tests themselves.
      {
        test: {
          name: 'browser',
          environment: 'node',
          globals: true,
          include: ['test/browser/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
      // The sandbox (npm start without a GitHub App) driven in Chromium; needs npm run build first.
      {
        test: {
          name: 'e2e',
          environment: 'node',
          globals: true,
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      // The release artifacts, the deployment files and the generated Spinnaker configuration (release/, deploy/).
      {
        test: {
          name: 'release',
          environment: 'node',
          globals: true,
          include: ['test/release/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
