import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository (or packaged app) root: the folder holding package.json and resources/. */
export const appRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const resourcesDir = path.join(appRoot, 'resources');

/** The OS's per-user application data folder for Kiwi, unless KIWI_DATA_DIR says otherwise. */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KIWI_DATA_DIR) return path.resolve(env.KIWI_DATA_DIR);
  const home = os.homedir();
  switch (process.platform) {
    case 'win32':
      return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Kiwi');
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', 'Kiwi');
    default:
      return path.join(env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'kiwi');
  }
}

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.KIWI_CONFIG ? path.resolve(env.KIWI_CONFIG) : path.join(dataDir(env), 'config.yaml');
}

export function modelsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.KIWI_MODELS_DIR ? path.resolve(env.KIWI_MODELS_DIR) : path.join(dataDir(env), 'models');
}
