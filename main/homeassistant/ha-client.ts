import type { Config } from '../contract/config.ts';
import type { EventBus } from '../engine/events/event-bus.ts';
import { systemClock, type Clock } from '../platform/clock.ts';
import { KiwiError, describeError, unavailable } from '../platform/errors.ts';

export interface HaStatus {
  enabled: boolean;
  connected: boolean;
  last_error: string | null;
}

export interface HaClientOptions {
  config: () => Config;
  bus: EventBus;
  fetch?: typeof fetch;
  /** Backoff between failed connection checks, doubling up to the max. */
  retryMs?: { initial: number; max: number };
  /** Health check period while connected. */
  healthMs?: number;
  requestTimeoutMs?: number;
  /** Kiwi's one clock: the conversation's freshness and the connection checks run on it (tests: a manual clock). */
  clock?: Clock;
}

/** A Home Assistant conversation goes stale after this long without a command; the next one starts afresh. */
const CONVERSATION_TTL_MS = 5 * 60_000;

/**
 * Home Assistant through its REST API: a connection check (`GET /api/`) with reconnect and
 * backoff, and commands through the Conversation API (`POST /api/conversation/process`),
 * keeping `conversation_id` so follow-ups ("and the kitchen too") work.
 */
export class HomeAssistantClient {
  #connected = false;
  #lastError: string | null = null;
  /** Cancels the pending connection check. */
  #cancelTimer: (() => void) | null = null;
  #delay: number;
  #stopped = true;
  #conversation: { id: string; at: number } | null = null;
  readonly #fetch: typeof fetch;
  readonly #clock: Clock;

  constructor(private readonly options: HaClientOptions) {
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#clock = options.clock ?? systemClock;
    this.#delay = options.retryMs?.initial ?? 1000;
  }

  get settings(): Config['homeassistant'] {
    return this.options.config().homeassistant;
  }

  get configured(): boolean {
    const { enabled, url, token } = this.settings;
    return enabled && url !== '' && token !== '';
  }

  status(): HaStatus {
    return { enabled: this.settings.enabled, connected: this.#connected, last_error: this.#lastError };
  }

  /** Start (or restart after a config change) the connection checks. */
  start(): void {
    this.stop();
    this.#stopped = false;
    this.#delay = this.options.retryMs?.initial ?? 1000;
    this.#conversation = null;
    if (this.configured) void this.#check();
    else this.#setConnected(false, this.settings.enabled ? 'homeassistant.url and homeassistant.token must both be set' : null);
  }

  stop(): void {
    this.#stopped = true;
    this.#cancelTimer?.();
    this.#cancelTimer = null;
  }

  async command(text: string, language: string): Promise<{ response: string; command: string }> {
    const { speech } = await this.converse(text, language);
    return { response: speech, command: text };
  }

  /**
   * One turn of the Conversation API. `understood` is false when Home Assistant matched no intent
   * (response_type "error", code "no_intent_match"), so Kiwi can ask its LLM instead. `signal`
   * (the turn's: Stop, barge-in) ends the request at once with the signal's reason.
   */
  async converse(text: string, language: string, signal?: AbortSignal): Promise<{ speech: string; understood: boolean }> {
    if (!this.settings.enabled) throw unavailable('ha_disabled', 'Home Assistant is not enabled (homeassistant.enabled is false)');
    if (!this.configured) throw unavailable('ha_not_configured', 'Home Assistant needs homeassistant.url and homeassistant.token');
    const conversationId =
      this.#conversation && this.#clock.now() - this.#conversation.at < CONVERSATION_TTL_MS ? this.#conversation.id : undefined;
    this.options.bus.emit('HA_COMMAND_SENT', { command: text, language }, 'homeassistant');
    const body = await this.#request(
      '/api/conversation/process',
      { method: 'POST', body: JSON.stringify({ text, language, ...(conversationId ? { conversation_id: conversationId } : {}) }) },
      signal,
    );
    const speech = readSpeech(body);
    if (speech === null) throw new KiwiError('ha_bad_response', 'Home Assistant answered without response.speech.plain.speech', 502);
    const id = (body as { conversation_id?: unknown }).conversation_id;
    this.#conversation = typeof id === 'string' ? { id, at: this.#clock.now() } : null;
    this.options.bus.emit('HA_COMMAND_RESPONSE', { command: text, response: speech }, 'homeassistant');
    const response = (body as { response?: { response_type?: unknown; data?: { code?: unknown } } }).response;
    const understood = !(response?.response_type === 'error' && response.data?.code === 'no_intent_match');
    return { speech, understood };
  }

  async #check(): Promise<void> {
    try {
      await this.#request('/api/', { method: 'GET' });
      this.#setConnected(true, null);
      this.#delay = this.options.retryMs?.initial ?? 1000;
      this.#schedule(this.options.healthMs ?? 60_000);
    } catch (err) {
      this.#setConnected(false, describeError(err));
      this.#schedule(this.#delay);
      this.#delay = Math.min(this.#delay * 2, this.options.retryMs?.max ?? 60_000);
    }
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#cancelTimer?.();
    this.#cancelTimer = this.#clock.setTimer(() => void this.#check(), ms); // unref'd: never keeps Kiwi alive on its own
  }

  #setConnected(connected: boolean, error: string | null): void {
    this.#lastError = error;
    if (connected === this.#connected) return;
    this.#connected = connected;
    this.options.bus.emit('HA_CONNECTION_CHANGED', { connected, error }, 'homeassistant');
    if (!connected) {
      // Lost while a command ran: check again soon (with backoff) instead of at the next health check.
      this.#delay = this.options.retryMs?.initial ?? 1000;
      this.#schedule(this.#delay);
    }
  }

  async #request(path: string, init: { method: string; body?: string }, caller?: AbortSignal): Promise<unknown> {
    const { url, token } = this.settings;
    const target = new URL(path, url.endsWith('/') ? url : `${url}/`);
    caller?.throwIfAborted();
    const timeout = AbortSignal.timeout(this.options.requestTimeoutMs ?? 10_000);
    let res: Response;
    try {
      res = await this.#fetch(target, {
        ...init,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        signal: caller ? AbortSignal.any([caller, timeout]) : timeout,
      });
    } catch (err) {
      // Stopped by the caller: Home Assistant did nothing wrong, and its connection state stands.
      if (caller?.aborted) throw caller.reason;
      this.#setConnected(false, `could not reach ${target.origin}: ${describeError(err)}`);
      throw unavailable('ha_unreachable', `Home Assistant at ${target.origin} could not be reached: ${describeError(err)}`);
    }
    if (res.status === 401 || res.status === 403) {
      this.#setConnected(false, 'Home Assistant rejected the token');
      throw unavailable('ha_unauthorized', 'Home Assistant rejected the access token (check homeassistant.token)');
    }
    if (!res.ok) throw new KiwiError('ha_error', `Home Assistant answered ${res.status} ${res.statusText}`, 502);
    this.#setConnected(true, null);
    try {
      return await res.json();
    } catch (err) {
      if (caller?.aborted) throw caller.reason;
      throw new KiwiError('ha_bad_response', `Home Assistant sent invalid JSON: ${describeError(err)}`, 502);
    }
  }
}

function readSpeech(body: unknown): string | null {
  const speech = (body as { response?: { speech?: { plain?: { speech?: unknown } } } } | null)?.response?.speech?.plain?.speech;
  return typeof speech === 'string' ? speech : null;
}
