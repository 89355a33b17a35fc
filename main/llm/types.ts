import type { Config } from '../contract/config.ts';
import type { ChatMessage, Llm } from '../engine/stages.ts';
import type { Clock } from '../platform/clock.ts';

export type LlmConfig = Config['llm'];

/** The live `llm` config group: read on every request, so a new key or URL applies without a rebuild. */
export type LlmConfigSource = LlmConfig | (() => LlmConfig);

export const readConfig = (source: LlmConfigSource): LlmConfig => (typeof source === 'function' ? source() : source);

/**
 * What callers may pass to `Llm.chat` beyond the stage interface. A plain object with these extra
 * fields still satisfies `{ model, signal }`, so callers typed against `Llm` stay valid.
 */
export interface ChatOptions {
  model: string;
  signal?: AbortSignal;
  /**
   * Which conversation this turn belongs to (e.g. a speaker id, or `<speaker>:nsfw`). Stateless
   * HTTP backends ignore it (the history is in the messages); OpenClaw keeps its own history
   * per session and uses it to pick the session.
   */
  conversation?: string;
}

/** Knobs for the HTTP clients; tests shorten the backoff, production keeps the defaults. */
export interface HttpClientOptions {
  /** Retries after the first attempt, for connect errors, 429 and 5xx before the first token. */
  retries?: number;
  /** First backoff delay; doubled on each retry (with ±20 % jitter), capped by maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  fetch?: typeof fetch;
  /** Times the silence timeout and the backoff, and dates a Retry-After (Kiwi's one clock; tests use a manual one). */
  clock?: Clock;
  /** The backoff's jitter source, 0 ≤ x < 1 (tests fix it). */
  random?: () => number;
}

export type { ChatMessage, Llm };
