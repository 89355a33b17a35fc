// `npm start`: build, make sure Electron's binary is present (Electron >= 42 fetches it lazily),
// then launch the desktop app. Needs a machine that can download Electron once.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

const run = (cmd, args) => {
  const result = spawnSync(cmd, args, { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

run('node', ['scripts/build.mjs']);
if (!fs.existsSync('node_modules/electron/path.txt')) run('npx', ['install-electron']);
run('npx', ['electron', '.']);
