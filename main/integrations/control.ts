import type { EngineState, EventEnvelope } from '../contract/events.ts';
import type { LanguageCode } from '../contract/languages.ts';

/** A soul as Home Assistant sees it: only the ones allowed right now are offered. */
export interface SoulChoice {
  id: string;
  name: string;
}

/** What Kiwi looks like from outside at one moment (MQTT state topics are derived from it). */
export interface KiwiSnapshot {
  state: EngineState;
  active_speaker: string | null;
  language: LanguageCode;
  listening: boolean;
  soul: SoulChoice;
  /** Souls that may be switched to now (18+ souls only while souls.allow_nsfw is on). */
  souls: SoulChoice[];
  /** When the next timer, alarm or reminder rings (ISO-8601 UTC), or null. */
  next_timer: string | null;
}

/**
 * What Home Assistant may do to Kiwi through MQTT: the `control` scope of the REST API, no
 * more (no config file, no speakers, no tokens). Every action goes through the same services
 * and rules as the API (an 18+ soul is refused unless souls.allow_nsfw).
 */
export interface KiwiControl {
  subscribe(listener: (envelope: EventEnvelope) => void): () => void;
  snapshot(): KiwiSnapshot;
  say(text: string): void;
  stop(): void;
  resetContext(): void;
  switchSoul(id: string): void;
  setLanguage(language: string): Promise<void>;
  setListening(on: boolean): Promise<void>;
}
