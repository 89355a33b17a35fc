import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Browser end-to-end tests: Debian's Chromium driven by playwright-core against real `kiwi serve`
 * processes. One file at a time (each starts its own server and browser; the machine has 2 cores).
 */
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['e2e/**/*.e2e.ts'],
    environment: 'node',
    globalSetup: ['e2e/support/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 90_000,
    // expect.poll waits for what the page or the server shows next; on a loaded 2-core machine that can take seconds.
    expect: { poll: { timeout: 15_000 } },
    pool: 'forks',
  },
});
