import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['main/**/*.test.ts', 'preload/**/*.test.ts', 'renderer/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // expect.poll waits for an event's effect; on a loaded 2-core machine that can take seconds.
    expect: { poll: { timeout: 10_000 } },
    pool: 'forks',
  },
});
