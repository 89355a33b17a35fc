import { openKiwiDashboard, type KiwiDashboard } from './kiwi-dashboard.ts';
import type { OpenOptions } from './browser.ts';
import { seedSpeakers } from './seed.ts';

export type SeededDashboard = KiwiDashboard;

/**
 * A real `kiwi serve` (no audio, no models installed) with three speakers, Ada the owner, Bob and
 * Cleo, and the dashboard open on it, idle. Settings has a key set by the environment to show.
 */
export async function openSeededDashboard(name: string, options: Pick<OpenOptions, 'expectedErrors'> = {}): Promise<SeededDashboard> {
  return openKiwiDashboard({
    name,
    config: { audio: { input: 'none', output: 'none' } },
    models: {},
    // KIWI_SOUL_DEFAULT has the value it has anyway: only so Settings has a key set by the environment to show.
    env: { KIWI_SOUL_DEFAULT: 'default' },
    prepare: (dir) =>
      seedSpeakers(dir, [
        { name: 'Ada', priority: 0 },
        { name: 'Bob', priority: 1 },
        { name: 'Cleo', priority: 2 },
      ]),
    page: options,
    ready: (ui) => ui.page.getByTestId('state').filter({ hasText: 'Idle' }).waitFor(),
  });
}
