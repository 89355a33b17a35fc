import type { EventBus } from '../engine/events/event-bus.ts';
import { conflict, notFound } from '../platform/errors.ts';
import { Announcements } from './announcements.ts';
import type { Announcer } from './announcer.ts';
import { systemClock, type Clock } from './clock.ts';
import { followJump, systemElapsed, WallJumps, type Elapsed } from './clock-jumps.ts';
import { JustRang } from './just-rang.ts';
import { checkWhen, DEFAULT_TIMER_OPTIONS, type TimerServiceOptions } from './limits.ts';
import { MissedLog } from './missed-log.ts';
import { moveOn, rezoneItems } from './recurrence.ts';
import { ringContent } from './ring-content.ts';
import { Ringer } from './ringer.ts';
import { Scheduler } from './scheduler.ts';
import { TimerSpeech } from './speech.ts';
import { TimerEvents } from './timer-events.ts';
import type { NewItem, StopReason, TimerChanges, TimerItem, TimerStore } from './types.ts';

export { DEFAULT_TIMER_OPTIONS, MAX_AHEAD_MS, MAX_TIMER_MS, type TimerServiceOptions } from './limits.ts';

export interface TimerServiceDeps {
  store: TimerStore;
  bus: Pick<EventBus, 'emit'>;
  clock?: Clock;
  /** The IANA zone wall-clock times are in (config clock.time_zone, resolved). */
  timeZone: () => string;
  /** Kiwi's current language: replies default to it. An item's own lines (ringing, missed) are in the item's language. */
  language: () => string;
  announcer: Announcer;
  options?: Partial<TimerServiceOptions>;
  /** Real time, to tell a changed wall clock from time passing (clock-jumps.ts); default the machine's with the system clock. */
  elapsed?: { elapsed: Elapsed; countsSleep: boolean };
}

/**
 * Timers, alarms and reminders: kept in the store (UTC), woken by one scheduler, rung by the
 * ringer until stopped, snoozed or timed out. Items that came due while Kiwi was off are
 * announced as missed when it starts, never rung late as if on time; recurring alarms move on
 * to their next occurrence.
 */
export class TimerService {
  readonly clock: Clock;
  readonly options: TimerServiceOptions;
  readonly #scheduler: Scheduler;
  readonly #ringer: Ringer;
  readonly #events: TimerEvents;
  readonly #announcements: Announcements;
  #started = false;
  readonly #missed = new MissedLog();
  readonly #justRang = new JustRang();
  readonly #jumps: WallJumps;

  constructor(private readonly deps: TimerServiceDeps) {
    this.clock = deps.clock ?? systemClock;
    this.options = { ...DEFAULT_TIMER_OPTIONS, ...deps.options };
    this.#events = new TimerEvents(deps.bus, this.clock);
    this.#announcements = new Announcements(deps.announcer, (err) => this.#events.error('timer_announce_failed', err));
    // A clock of its own (tests, a pinned "now") without real time to match: no clock changes to follow.
    const real = deps.elapsed ?? (this.clock === systemClock ? systemElapsed() : { elapsed: () => this.clock.now(), countsSleep: true });
    this.#jumps = new WallJumps(this.clock, real.elapsed, real.countsSleep);
    this.#scheduler = new Scheduler(this.clock, () => this.#nextDue(), () => this.#onDue(), this.options.maxWaitMs, () => this.#followWallClock());
    this.#ringer = new Ringer({
      clock: this.clock,
      announcer: deps.announcer,
      pauseMs: this.options.ringPauseMs,
      ...ringContent(deps.store, (language) => this.speech(language), () => this.clock.now()),
      afterRound: () => this.#stopOverdue(),
      stoppedOutside: () => this.stopRinging('api'),
      error: (err) => this.#events.error('timer_ring_failed', err),
    });
  }

  /** Replies and lines in `language` (default: Kiwi's language) and the configured zone. */
  speech(language = this.deps.language()): TimerSpeech {
    return new TimerSpeech(language, this.deps.timeZone());
  }

  get timeZone(): string {
    return this.deps.timeZone();
  }

  /** Deal with what came due while Kiwi was off, then wait for the next item. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    const now = this.clock.now();
    const overdue = this.list().filter((item) => item.next_at <= now - this.options.missedGraceMs || (item.state === 'ringing' && item.next_at <= now));
    if (overdue.length) this.#miss(overdue);
    this.#scheduler.start();
  }

  /** Stop waiting and ringing; items keep their state in the store for the next start. */
  close(): void {
    this.#scheduler.stop();
    this.#ringer.remove(this.#ringer.ringing);
    this.#announcements.close();
  }

  list(): TimerItem[] {
    return this.deps.store.list();
  }

  get(id: string): TimerItem {
    const item = this.deps.store.get(id);
    if (!item) throw notFound('timer', id);
    return item;
  }

  /** Items missed since Kiwi started, oldest first (at most 20). */
  get missed(): TimerItem[] {
    return this.#missed.items;
  }

  get ringing(): TimerItem[] {
    return this.#ringer.ringing.flatMap((id) => this.deps.store.get(id) ?? []);
  }

  get isRinging(): boolean {
    return this.#ringer.ringing.length > 0;
  }

  /** Resolves once nothing rings (tests). */
  ringerIdle(): Promise<void> {
    return this.#ringer.idle();
  }

  create(input: NewItem): TimerItem {
    this.#followWallClock(); // before `now` is read: a clock change is for the items already set, not this one
    const now = this.clock.now();
    checkWhen(input.kind, input.due_at, input.duration_ms ?? null, now);
    if (this.list().length >= this.options.maxItems) throw conflict(`At most ${this.options.maxItems} timers, alarms and reminders can be set at once`);
    const item = this.deps.store.create(
      {
        kind: input.kind,
        label: input.label ?? null,
        task: input.task ?? null,
        owner_id: input.owner?.id ?? null,
        owner_name: input.owner?.name ?? null,
        language: input.language,
        due_at: input.due_at,
        next_at: input.due_at,
        duration_ms: input.duration_ms ?? null,
        clock: input.clock ?? null,
        days: input.days ?? [],
      },
      now,
    );
    this.#emit(item, 'SET');
    this.#scheduler.arm();
    return item;
  }

  /** Change what an item is or when it rings; a ringing item stops ringing first. */
  update(id: string, changes: Pick<TimerChanges, 'label' | 'task' | 'language' | 'due_at' | 'duration_ms' | 'clock' | 'days'>): TimerItem {
    this.#followWallClock();
    const current = this.get(id);
    const now = this.clock.now();
    const timing = changes.due_at !== undefined;
    if (timing) checkWhen(current.kind, changes.due_at!, changes.duration_ms ?? current.duration_ms, now);
    if (current.state === 'ringing' && timing) this.#ringer.remove([id]);
    const next: TimerChanges = { ...changes, ...(timing ? { next_at: changes.due_at, state: 'scheduled' as const, ringing_since: null } : {}) };
    const item = this.deps.store.update(id, next, now) ?? this.get(id);
    this.#emit(item, 'UPDATED');
    this.#scheduler.arm();
    return item;
  }

  cancel(id: string): TimerItem {
    const item = this.get(id);
    this.#ringer.remove([id]);
    this.deps.store.delete(id);
    this.#emit(item, 'CANCELLED');
    this.#scheduler.arm();
    return item;
  }

  /** Ring again in `ms`; only what is ringing (or already snoozed) can be snoozed. */
  snooze(ids: readonly string[], ms = this.options.snoozeMs): TimerItem[] {
    this.#followWallClock();
    const now = this.clock.now();
    const items = ids.map((id) => this.get(id));
    for (const item of items) if (item.state === 'scheduled') throw conflict(`${item.id} is not ringing`);
    this.#ringer.remove(ids);
    const snoozed = items.map((item) => this.deps.store.update(item.id, { state: 'snoozed', next_at: now + ms, ringing_since: null }, now)!);
    for (const item of snoozed) this.#emit(item, 'SNOOZED');
    this.#scheduler.arm();
    return snoozed;
  }

  /** The items that stopped ringing within the last `withinMs` (a stop, a timeout), as they were while ringing. */
  justRang(withinMs: number): TimerItem[] {
    return this.#justRang.within(withinMs, this.clock.now());
  }

  /**
   * "Five more minutes" after an item stopped ringing: it rings again in `ms`, as a one-off of the
   * same kind, label and task (a recurring alarm keeps its own schedule too). Forgets it as just rung.
   */
  ringAgain(items: readonly TimerItem[], ms: number): TimerItem[] {
    const now = this.clock.now();
    const again = items.map((item) =>
      this.create({
        kind: item.kind,
        label: item.label,
        task: item.task,
        owner: item.owner_id ? { id: item.owner_id, name: item.owner_name ?? '' } : null,
        language: item.language,
        due_at: now + ms,
        duration_ms: item.kind === 'timer' ? ms : null,
      }),
    );
    this.#justRang.forget();
    return again;
  }

  /** Stop ringing (all, or the given ids); returns the items that were ringing. */
  stopRinging(reason: StopReason, ids?: readonly string[]): TimerItem[] {
    const targets = (ids ?? this.#ringer.ringing).flatMap((id) => {
      const item = this.deps.store.get(id);
      return item && item.state === 'ringing' ? [item] : [];
    });
    this.#ringer.remove(targets.map((t) => t.id));
    this.#justRang.remember(targets, this.clock.now());
    for (const item of targets) this.#finish(item, reason);
    this.#scheduler.arm();
    return targets;
  }

  /**
   * The configured time zone changed: recurring items move to their next wall-clock time in the
   * new zone (07:30 stays 07:30 where Kiwi now is). One-off items keep their instant.
   */
  rezone(): void {
    rezoneItems(this.deps.store, this.clock.now(), this.deps.timeZone(), (item) => this.#emit(item, 'UPDATED'));
    this.#scheduler.arm();
  }

  /** The wall clock was set since the last look: items counting a span move with it (clock-jumps.ts). */
  #followWallClock(): void {
    const jump = this.#jumps.check();
    if (jump !== 0) for (const item of followJump(this.deps.store, jump, this.clock.now())) this.#emit(item, 'UPDATED');
  }

  #nextDue(): number | null {
    const waiting = this.list().filter((item) => item.state !== 'ringing');
    return waiting.length ? Math.min(...waiting.map((item) => item.next_at)) : null;
  }

  #onDue(): void {
    const now = this.clock.now();
    const due = this.list().filter((item) => item.state !== 'ringing' && item.next_at <= now);
    const late = due.filter((item) => now - item.next_at > this.options.missedGraceMs);
    if (late.length) this.#miss(late);
    for (const item of due.filter((i) => !late.includes(i))) {
      const ringing = this.deps.store.update(item.id, { state: 'ringing', ringing_since: now }, now)!;
      this.#emit(ringing, 'RINGING');
      this.#ringer.add(item.id);
    }
  }

  /** A one-off item is done; a recurring one waits for its next occurrence. */
  #finish(item: TimerItem, reason: StopReason): void {
    const next = moveOn(this.deps.store, item, this.clock.now(), this.deps.timeZone());
    this.#emit(next ?? item, 'STOPPED', { by: reason });
  }

  /** Items that came due unheard: say so (once), and move them on. */
  #miss(items: TimerItem[]): void {
    const now = this.clock.now();
    const lines: string[] = [];
    for (const item of items) {
      lines.push(this.speech(item.language).missed(item));
      this.#missed.add(item);
      const next = moveOn(this.deps.store, item, now, this.deps.timeZone());
      this.#emit(item, 'MISSED', next ? { next_at: new Date(next.next_at).toISOString() } : {});
    }
    this.#announcements.say(lines.join(' '));
  }

  #stopOverdue(): void {
    const now = this.clock.now();
    const overdue = this.ringing.filter((item) => item.ringing_since !== null && now - item.ringing_since >= this.options.ringMaxMs);
    if (overdue.length) this.stopRinging('timeout', overdue.map((i) => i.id));
  }

  #emit(item: TimerItem, what: string, extra: Record<string, unknown> = {}): void {
    this.#events.item(item, what, extra);
  }
}
