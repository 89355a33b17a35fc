import type { EventEnvelope } from '../../contract/events.ts';
import { EventBus } from '../../engine/events/event-bus.ts';
import type { Announcer } from '../announcer.ts';
import { sleep, type Clock } from '../clock.ts';
import { memoryTimers } from '../sqlite-timers.ts';
import { TimerService, type TimerServiceOptions } from '../timer-service.ts';
import type { TimerKind, TimerStore } from '../types.ts';
import { ManualClock } from './manual-clock.ts';

export interface Heard {
  at: number;
  what: 'sound' | 'say';
  text: string;
  /** The playback ran to its end (not cut off by stop or snooze). */
  completed: boolean;
}

/**
 * A stand-in for the speaker: sounds take `soundMs` and lines `lineMs` of clock time, like real
 * playback; everything is recorded with the moment it started and whether it finished.
 */
export class RecordingAnnouncer implements Announcer {
  readonly heard: Heard[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly soundMs = 1000,
    private readonly lineMs = 2000,
  ) {}

  async sound(kind: TimerKind, signal: AbortSignal): Promise<void> {
    await this.#play({ at: this.clock.now(), what: 'sound', text: kind, completed: false }, this.soundMs, signal);
  }

  async say(text: string, signal: AbortSignal): Promise<void | 'stopped'> {
    await this.#play({ at: this.clock.now(), what: 'say', text, completed: false }, this.lineMs, signal);
  }

  async #play(entry: Heard, ms: number, signal: AbortSignal): Promise<void> {
    this.heard.push(entry);
    await sleep(this.clock, ms, signal);
    entry.completed = true;
  }

  lines(): string[] {
    return this.heard.filter((h) => h.what === 'say').map((h) => h.text);
  }
}

export interface Harness {
  clock: ManualClock;
  bus: EventBus;
  /** Every event with the clock time it was emitted at. */
  events: Array<EventEnvelope & { at: number }>;
  announcer: RecordingAnnouncer;
  service: TimerService;
  store: TimerStore;
  /** Names of the timer events so far. */
  names(): string[];
}

export function timerHarness(
  options: {
    start?: string | number;
    timeZone?: string | (() => string);
    language?: string;
    store?: TimerStore;
    clock?: ManualClock;
    service?: Partial<TimerServiceOptions>;
    /** Leave the service unstarted (tests of start-up itself). */
    started?: boolean;
  } = {},
): Harness {
  const clock = options.clock ?? new ManualClock(options.start ?? '2026-03-27T12:00:00Z');
  const bus = new EventBus((err) => {
    throw err;
  });
  const events: Harness['events'] = [];
  bus.subscribe((e) => events.push({ ...e, at: clock.now() }));
  const announcer = new RecordingAnnouncer(clock);
  const store = options.store ?? memoryTimers();
  const service = new TimerService({
    store,
    bus,
    clock,
    timeZone: typeof options.timeZone === 'function' ? options.timeZone : () => (options.timeZone as string | undefined) ?? 'Europe/Berlin',
    language: () => options.language ?? 'en',
    announcer,
    options: options.service,
    elapsed: { elapsed: () => clock.elapsed(), countsSleep: true },
  });
  if (options.started !== false) service.start();
  return { clock, bus, events, announcer, service, store, names: () => events.filter((e) => /^(TIMER|ALARM|REMINDER)_/.test(e.event)).map((e) => e.event) };
}
