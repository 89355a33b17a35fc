import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { appRoot } from '../../main/platform/paths.ts';
import { CHROMIUM } from './browser.ts';

/** Build the dashboard as `npm run serve` would, and fail early with a clear message when Chromium is missing. */
export default function setup(): void {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  const built = spawnSync(process.execPath, [path.join(appRoot, 'scripts', 'ensure-renderer.mjs')], { cwd: appRoot, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('building the dashboard failed; see above');
  fs.mkdirSync(path.join(appRoot, 'e2e', 'output'), { recursive: true });
}
