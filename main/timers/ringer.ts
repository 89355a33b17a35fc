import type { Announcer } from './announcer.ts';
import { sleep, type Clock } from './clock.ts';
import type { TimerKind } from './types.ts';

export interface RingerDeps {
  clock: Clock;
  announcer: Announcer;
  /** The sound for the items ringing now. */
  kindOf(ids: readonly string[]): TimerKind;
  /** What to say for the items ringing now (null: nothing). */
  line(ids: readonly string[]): string | null;
  /** After every round: the service stops items that rang too long. */
  afterRound(): void;
  /** Kiwi's speech was stopped from outside while the line played (tray, dashboard): stop ringing. */
  stoppedOutside(): void;
  error(err: unknown): void;
  /** Silence between rounds. */
  pauseMs: number;
}

/**
 * Rings while any item is ringing: sound, spoken line, pause, again, until every item is
 * stopped or snoozed. Stopping aborts the sound, the line and the pause at once.
 */
export class Ringer {
  readonly #ids = new Set<string>();
  #round: AbortController | null = null;
  #loop: Promise<void> | null = null;

  constructor(private readonly deps: RingerDeps) {}

  get ringing(): string[] {
    return [...this.#ids];
  }

  add(id: string): void {
    this.#ids.add(id);
    // Started on the next microtask, so items falling due together are rung in one round.
    this.#loop ??= Promise.resolve()
      .then(() => this.#run())
      .finally(() => (this.#loop = null));
  }

  /** Stop ringing these items; the current round ends at once (the rest start a fresh one). */
  remove(ids: readonly string[]): void {
    let changed = false;
    for (const id of ids) changed = this.#ids.delete(id) || changed;
    if (changed) this.#round?.abort(new Error('ringing stopped'));
  }

  /** Resolves when nothing rings any more. */
  async idle(): Promise<void> {
    await this.#loop;
  }

  async #run(): Promise<void> {
    while (this.#ids.size > 0) {
      const round = new AbortController();
      this.#round = round;
      const ids = [...this.#ids];
      try {
        await this.deps.announcer.sound(this.deps.kindOf(ids), round.signal);
        const line = this.deps.line(ids);
        const said = line ? await this.deps.announcer.say(line, round.signal) : undefined;
        if (said === 'stopped') this.deps.stoppedOutside();
        else await sleep(this.deps.clock, this.deps.pauseMs, round.signal);
      } catch (err) {
        if (!round.signal.aborted) {
          this.deps.error(err);
          // A failing speaker must not turn the loop into a busy spin.
          await sleep(this.deps.clock, this.deps.pauseMs, round.signal).catch((e: unknown) => {
            if (!round.signal.aborted) throw e;
          });
        }
      }
      this.#round = null;
      this.deps.afterRound();
    }
  }
}
