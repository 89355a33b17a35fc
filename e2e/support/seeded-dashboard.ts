import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openDashboard, type OpenedPage } from './browser.ts';
import { startKiwiServer, type KiwiServer } from './kiwi-server.ts';
import { seedSpeakers } from './seed.ts';

export interface SeededDashboard {
  kiwi: KiwiServer;
  ui: OpenedPage;
  close(): Promise<void>;
}

/**
 * A real `kiwi serve` (no audio, no models installed) with three speakers, Ada the owner, Bob and
 * Cleo, and the dashboard open on it, idle. Settings has a key set by the environment to show.
 */
export async function openSeededDashboard(name: string, options: { expectedErrors?: RegExp[] } = {}): Promise<SeededDashboard> {
  const emptyModels = await fs.mkdtemp(path.join(os.tmpdir(), 'kiwi-e2e-models-'));
  const kiwi = await startKiwiServer({
    name,
    config: { audio: { input: 'none', output: 'none' } },
    // KIWI_SOUL_DEFAULT has the value it has anyway: only so Settings has a key set by the environment to show.
    env: { KIWI_MODELS_DIR: emptyModels, KIWI_SOUL_DEFAULT: 'default' },
    prepare: (dir) =>
      seedSpeakers(dir, [
        { name: 'Ada', priority: 0 },
        { name: 'Bob', priority: 1 },
        { name: 'Cleo', priority: 2 },
      ]),
  });
  const ui = await openDashboard(kiwi.url, options);
  await ui.page.getByTestId('state').filter({ hasText: 'Idle' }).waitFor();
  return {
    kiwi,
    ui,
    async close() {
      await ui.close();
      await kiwi.cleanup();
      await fs.rm(emptyModels, { recursive: true, force: true });
    },
  };
}
