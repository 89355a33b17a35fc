import type { ConfigService } from '../config/config-service.ts';
import type { EventBus } from '../engine/events/event-bus.ts';
import { KiwiError } from '../platform/errors.ts';
import type { Soul } from './soul-file.ts';
import type { SoulFields } from './soul-markdown.ts';
import { sameSoulName } from './soul-names.ts';
import type { SoulService } from './soul-service.ts';
import type { UserSouls } from './user-souls.ts';

export interface SoulEditDeps {
  files: Pick<UserSouls, 'save' | 'remove' | 'isBuiltin'>;
  souls: Pick<SoulService, 'active' | 'get' | 'list' | 'modelFor' | 'forget'>;
  /** Re-read every soul file into the registry (called inside the edit, never queued again). */
  reload(): Promise<void>;
  /** The config's queue serialises edits with PATCHes; souls.default says which soul must stay. */
  config: Pick<ConfigService, 'current' | 'envSources' | 'exclusive'>;
  bus: Pick<EventBus, 'emit'>;
}

/**
 * PUT and DELETE of user souls, one at a time: write or remove the file, re-read the souls and
 * answer from that, with nothing in between. Unserialised, a DELETE landing between a PUT's write
 * and its read-back made the PUT answer 404. They share the config's queue, so a PATCH that makes
 * a soul the default and that soul's deletion cannot cross either.
 *
 * Two souls never share a name (409 soul_name_taken): the voice picks a soul by its name.
 * The soul souls.default names is kept usable: deleting it (or making it 18+ while 18+ is not
 * allowed) is a 409, as Kiwi would otherwise quietly run on another default than the file says.
 */
export class SoulEdits {
  constructor(private readonly deps: SoulEditDeps) {}

  /** Create or replace `<data dir>/souls/<id>.md`; the soul as the registry now has it. */
  put(id: string, fields: SoulFields): Promise<Soul> {
    return this.deps.config.exclusive(async () => {
      const { souls } = this.deps.config.current;
      if (fields.nsfw && id === souls.default && !souls.allow_nsfw) {
        throw this.#isDefault(id, '18+ souls are not allowed (souls.allow_nsfw is off): choose another default or allow them first');
      }
      // A name another soul has would make one of the two unreachable by voice; a soul keeps its own.
      const namesake = this.deps.souls.list().find((s) => s.id !== id && sameSoulName(s.name, fields.name));
      if (namesake) throw new KiwiError('soul_name_taken', `the soul '${namesake.id}' is called '${namesake.name}' already; give '${id}' another name`, 409);
      const before = this.deps.souls.active.id;
      const existed = this.deps.souls.list().some((s) => s.id === id);
      await this.deps.files.save(id, fields);
      await this.deps.reload();
      const soul = this.deps.souls.get(id);
      this.#listed(existed ? 'SOUL_UPDATED' : 'SOUL_ADDED', soul);
      this.#announce(before, id);
      return soul;
    });
  }

  /** Delete a user soul; a built-in it replaced comes back. */
  remove(id: string): Promise<void> {
    return this.deps.config.exclusive(async () => {
      // Only when the id would name nothing afterwards: a user file over a built-in gives the built-in back.
      const exists = this.deps.souls.list().some((s) => s.id === id);
      if (exists && id === this.deps.config.current.souls.default && !(await this.deps.files.isBuiltin(id))) {
        throw this.#isDefault(id, 'choose another default first');
      }
      const before = this.deps.souls.active.id;
      const removed = this.deps.souls.list().find((s) => s.id === id);
      await this.deps.files.remove(id);
      await this.deps.reload();
      this.deps.souls.forget(id);
      // A user soul over a built-in gives the built-in back: the id stays listed, as the built-in.
      const builtin = this.deps.souls.list().find((s) => s.id === id);
      if (builtin) this.#listed('SOUL_UPDATED', builtin);
      else if (removed) this.deps.bus.emit('SOUL_DELETED', { soul_id: id, name: removed.name }, 'souls');
      this.#announce(before, id);
    });
  }

  #isDefault(id: string, advice: string): KiwiError {
    const variable = this.deps.config.envSources().get('souls.default');
    const key = variable ? `souls.default, set by ${variable}` : 'souls.default';
    return new KiwiError('soul_is_default', `'${id}' is the default soul (${key}); ${advice}`, 409);
  }

  /** The list of souls changed: open dashboards and the tray show it without a reload. */
  #listed(event: 'SOUL_ADDED' | 'SOUL_UPDATED', soul: Soul): void {
    this.deps.bus.emit(event, { soul_id: soul.id, name: soul.name, nsfw: soul.nsfw, builtin: soul.builtin }, 'souls');
  }

  /** After a soul file changed: when it was (or replaced) the active soul, listeners must reload it. */
  #announce(activeBefore: string, changed: string): void {
    const active = this.deps.souls.active;
    if (active.id !== activeBefore || active.id === changed) {
      this.deps.bus.emit('SOUL_CHANGED', { soul_id: active.id, name: active.name, nsfw: active.nsfw, model: this.deps.souls.modelFor(active) }, 'souls');
    }
  }
}
