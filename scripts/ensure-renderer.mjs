// Build the dashboard when dist/renderer is missing or older than its sources, so that
// `npm run serve` on a fresh checkout serves the current dashboard without a separate step.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const built = path.join(root, 'dist', 'renderer', 'index.html');

/**
 * Builds the dashboard into dist/renderer; returns the exit status. Always as production: Vite
 * builds React's development bundle (and its dev JSX runtime) when NODE_ENV says so, and the e2e
 * suite builds under vitest (NODE_ENV=test), after which `npm run serve` served that bundle.
 */
export function buildRenderer() {
  const env = { ...process.env, NODE_ENV: 'production' };
  const result = spawnSync('npx', ['vite', 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit', env });
  return result.status ?? 1;
}

function newest(dir) {
  let latest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : fs.statSync(full).mtimeMs);
  }
  return latest;
}

/** Build when needed; returns the exit status (0: the dashboard is current). */
export function ensureRenderer() {
  // This file counts too: a change in how the dashboard is built (its NODE_ENV) makes the old build stale.
  const sources = Math.max(newest(path.join(root, 'renderer')), newest(path.join(root, 'main', 'contract')), fs.statSync(fileURLToPath(import.meta.url)).mtimeMs);
  if (fs.existsSync(built) && fs.statSync(built).mtimeMs >= sources) return 0;
  console.log('Building the dashboard…');
  return buildRenderer();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exit(ensureRenderer());
