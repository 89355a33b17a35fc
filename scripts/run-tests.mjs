// The test suite: fetch the real model fixtures (cached after the first run), then run vitest
// with KIWI_TEST_MODELS_DIR pointing at them, so model tests run against real models.
import { spawnSync } from 'node:child_process';

const fixtures = spawnSync('npx', ['tsx', 'scripts/test-models.ts'], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
process.stdout.write(fixtures.stdout);
if (fixtures.status !== 0) {
  console.error('test fixtures could not be fetched; see the messages above');
  process.exit(fixtures.status ?? 1);
}
const modelsDir = fixtures.stdout.trim().split('\n').pop();
const tests = spawnSync('npx', ['vitest', 'run', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, KIWI_TEST_MODELS_DIR: modelsDir },
});
if (process.argv.length > 2) process.exit(tests.status ?? 1);

// Then the browser tests (e2e/): Chromium against real `kiwi serve` processes, on the same models.
// They run even when a unit test failed, so one run reports both; either failing fails the run.
const e2e = spawnSync('npx', ['vitest', 'run', '--config', 'e2e/vitest.config.ts'], {
  stdio: 'inherit',
  env: { ...process.env, KIWI_TEST_MODELS_DIR: modelsDir },
});
process.exit(tests.status !== 0 ? (tests.status ?? 1) : (e2e.status ?? 1));
