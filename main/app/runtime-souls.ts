import path from 'node:path';
import type { ConfigService } from '../config/config-service.ts';
import type { EventBus } from '../engine/events/event-bus.ts';
import type { Logger } from '../platform/logger.ts';
import { resourcesDir } from '../platform/paths.ts';
import { SoulEdits } from '../souls/soul-edits.ts';
import type { SoulService } from '../souls/soul-service.ts';
import { UserSouls } from '../souls/user-souls.ts';
import { loadSouls } from './runtime-files.ts';

/**
 * A runtime's soul files: the user's edits (<data dir>/souls; built-ins stay read-only), re-reading
 * every file into the soul service, and the warning when souls.default names no usable soul.
 */
export class SoulFiles {
  /** PUT/DELETE of the user's soul files, one at a time. */
  readonly edits: SoulEdits;

  constructor(private readonly deps: { souls: SoulService; config: ConfigService; bus: EventBus; logger: Logger; userDir: string }) {
    const { souls, config, bus, userDir } = deps;
    const files = new UserSouls({ builtin: path.join(resourcesDir, 'souls'), user: userDir });
    // An edit re-reads the souls inside its own turn of the config's queue, never queued again.
    this.edits = new SoulEdits({ files, souls, reload: () => this.#load(), config, bus });
  }

  /** Re-read every soul file, in turn with soul edits and PATCHes (an older read never replaces a newer one); the engine keeps running. */
  reload(): Promise<void> {
    return this.deps.config.exclusive(() => this.#load());
  }

  /** souls.default names no usable soul (a file removed by hand): Kiwi runs on the built-in default and says so (status: fallbacks). */
  warnFallback(): void {
    const fallback = this.deps.souls.defaultFallback;
    if (fallback) this.deps.logger.warn(`${this.deps.config.path}: ${fallback.reason}`);
  }

  async #load(): Promise<void> {
    this.deps.souls.replaceRegistry(await loadSouls(this.deps.userDir, this.deps.logger));
  }
}
