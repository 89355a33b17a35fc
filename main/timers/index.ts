/** Timers, alarms and reminders: by voice (voice.ts), by API (api-handlers.ts), kept in SQLite, rung through the engine. */
import type { Config } from '../contract/config.ts';
import type { AudioHub } from '../engine/audio/audio-hub.ts';
import type { Engine } from '../engine/engine.ts';
import type { EventBus } from '../engine/events/event-bus.ts';
import { engineAnnouncer } from './announcer.ts';
import { resolveTimeZone, type Clock } from './clock.ts';
import { TimerService, type TimerServiceOptions } from './timer-service.ts';
import type { TimerStore } from './types.ts';
import { TimerVoice } from './voice.ts';

export { TimerService } from './timer-service.ts';
export { TimerVoice } from './voice.ts';
export { timerHandlers } from './api-handlers.ts';

export interface TimersDeps {
  store: TimerStore;
  bus: EventBus;
  config: () => Config;
  hub: AudioHub;
  /** The current engine (it is replaced on restart). */
  engine: () => Engine;
  clock?: Clock;
  options?: Partial<TimerServiceOptions>;
}

/** The timer service and its voice handlers, wired to Kiwi's config, store, engine and speakers. */
export function createTimers(deps: TimersDeps): { service: TimerService; voice: TimerVoice } {
  const service = new TimerService({
    store: deps.store,
    bus: deps.bus,
    clock: deps.clock,
    timeZone: () => resolveTimeZone(deps.config().clock.time_zone),
    language: () => deps.config().language,
    announcer: engineAnnouncer({ engine: deps.engine, hub: deps.hub, bus: deps.bus }),
    options: deps.options,
  });
  return { service, voice: new TimerVoice(service) };
}
