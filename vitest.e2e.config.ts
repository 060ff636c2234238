import { defineConfig } from 'vitest/config';

// Browser journeys against the built app, started once for the whole run on its own data folder.
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.e2e.test.ts'],
    globalSetup: ['tests/e2e/server-setup.ts'],
    setupFiles: ['tests/setup.ts'],
    testTimeout: 90_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    // Pages are waited for by condition; on a busy CI machine a page can take seconds, not one.
    expect: { poll: { timeout: 15_000 } },
    pool: 'forks',
  },
});
