import type { TurnRequest } from '../engine/listening/turn.ts';
import type { ChatMessage, Llm } from '../engine/stages.ts';
import { AsyncQueue } from '../llm/async-queue.ts';
import { OPENAI_DEFAULT_BASE_URL } from '../llm/openai.ts';
import type { ChatOptions, LlmConfig } from '../llm/types.ts';
import { systemClock, type Clock } from '../platform/clock.ts';

/**
 * Starting a turn's LLM request while the endpoint is still confirming its words
 * (voice.provisional_end: `TurnRequest.settled`). A request that only writes text has no side
 * effect, so it may run early as long as nothing of it is shown, spoken or stored until the words
 * stand: its tokens are buffered here, and the turn that runs once they stand adopts the stream
 * (replaying the buffer, then the live tokens). Not adopted, it is aborted and leaves nothing.
 */

/** A prefetch not adopted within this long is aborted (a built-in command may have answered instead). */
export const PREFETCH_BOUND_MS = 5000;

/** Exactly what a turn sends to the LLM: the turn and its prefetch build it with one function (llm-turn.ts). */
export interface LlmRequest {
  llm: Llm;
  messages: ChatMessage[];
  model: string;
  /** The conversation key (ChatOptions.conversation). */
  conversation: string;
}

/** A running answer the turn reads instead of starting its own request. */
export interface LlmStream {
  tokens: AsyncIterable<string>;
  /** performance.now() when the request was really sent (the prefetch, not the adoption). */
  startedAt: number;
  /** performance.now() when its first token arrived, if one has. */
  firstTokenAt: () => number | undefined;
}

export interface PrefetchSettings {
  llm: Pick<LlmConfig, 'provider' | 'base_url'>;
  /** Home Assistant is set up (HomeAssistantClient.configured): it would take the words before the LLM. */
  homeAssistant: boolean;
}

/**
 * Whether a request's words may reach the LLM before they are confirmed. Only an OpenAI-compatible
 * server (its request only writes text; not OpenClaw, an agent that may act and keeps its own
 * session) running on this machine: words that were not final, or that a built-in command would
 * have taken ("remember that my PIN is…"), must never reach a cloud service, so a cloud base_url
 * (an empty one means api.openai.com) and Anthropic (always a cloud service) never prefetch. Not
 * with Home Assistant set up (it takes the words first), and only for a request that waits for its
 * words (`settled`) and has a turn id (what adoption matches on). The security gate's verdict is
 * the caller's to add (SecurityService.evaluate).
 */
export function prefetchEligible(settings: PrefetchSettings, request: Pick<TurnRequest, 'settled' | 'turn_id'>): boolean {
  if (settings.llm.provider !== 'openai' || settings.homeAssistant) return false;
  if (request.settled === undefined || request.turn_id === undefined) return false;
  return isLoopbackUrl(settings.llm.base_url || OPENAI_DEFAULT_BASE_URL);
}

/**
 * A URL whose host is this machine: localhost, 127.0.0.0/8 or [::1]. The WHATWG parser has already
 * normalized IPv4 spellings (127.1, 0x7f.0.0.1) to dotted decimal; anything else (a LAN address,
 * an IPv4-mapped IPv6 form, localhost.) counts as not local, the safe side.
 */
export function isLoopbackUrl(url: string): boolean {
  if (!URL.canParse(url)) return false;
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** One turn's early request at a time: a later prefetch replaces (aborts) an older one. */
export class LlmPrefetches {
  #pending: Prefetch | null = null;

  constructor(
    private readonly clock: Clock = systemClock,
    private readonly boundMs = PREFETCH_BOUND_MS,
  ) {}

  start(turn: TurnRequest, request: LlmRequest): void {
    this.#pending?.drop(new Error('replaced by a later prefetch'));
    if (turn.signal.aborted || !turn.settled || turn.turn_id === undefined) return;
    this.#pending = new Prefetch(turn, request, this.clock, this.boundMs, (gone) => {
      if (this.#pending === gone) this.#pending = null;
    });
  }

  /**
   * The prefetched stream of this turn (same id and signal) when it sent exactly `request`;
   * undefined otherwise. A prefetch of this turn that differs (the history changed meanwhile) is aborted.
   */
  adopt(turn: TurnRequest, request: LlmRequest): LlmStream | undefined {
    const prefetch = this.#own(turn);
    if (!prefetch) return undefined;
    this.#pending = null;
    if (turn.signal.aborted || !sameRequest(prefetch.request, request)) {
      prefetch.drop(new Error('the turn sent another request'));
      return undefined;
    }
    return prefetch.adopt();
  }

  /** Abort this turn's prefetch if no turn adopted it (a built-in command or Home Assistant answered instead). */
  discard(turn: TurnRequest): void {
    this.#own(turn)?.drop(new Error('the turn was answered without the LLM'));
  }

  #own(turn: TurnRequest): Prefetch | null {
    const prefetch = this.#pending;
    return prefetch && prefetch.turn.turn_id === turn.turn_id && prefetch.turn.signal === turn.signal ? prefetch : null;
  }
}

class Prefetch {
  readonly #controller = new AbortController();
  readonly #buffer = new AsyncQueue<string>();
  readonly #startedAt = performance.now();
  #firstTokenAt: number | undefined;
  #adopted = false;
  #dropped = false;
  #finished = false;
  readonly #disarm: () => void;
  readonly #onAbort = () => {
    if (this.#adopted) this.#controller.abort(this.turn.signal.reason);
    else this.drop(this.turn.signal.reason);
  };

  constructor(
    readonly turn: TurnRequest,
    readonly request: LlmRequest,
    clock: Clock,
    boundMs: number,
    private readonly gone: (prefetch: Prefetch) => void,
  ) {
    turn.signal.addEventListener('abort', this.#onAbort, { once: true });
    this.#disarm = clock.setTimer(() => this.drop(new Error(`not adopted within ${boundMs} ms`)), boundMs);
    turn.settled!.then(
      (stands) => {
        if (!stands) this.drop(new Error('the words were joined into a new turn'));
      },
      (err: unknown) => this.drop(err),
    );
    void this.#pump();
  }

  /** Abort the request and forget it, unless a turn adopted it (then the turn's own abort and exit end it). */
  drop(reason: unknown): void {
    if (this.#adopted || this.#dropped) return;
    this.#dropped = true;
    this.#release();
    this.#controller.abort(reason);
    this.#buffer.close();
    this.gone(this);
  }

  adopt(): LlmStream {
    this.#adopted = true;
    if (this.#finished) this.#release();
    else this.#disarm();
    const buffer = this.#buffer;
    const controller = this.#controller;
    const iterator: AsyncIterator<string> = {
      next: () => buffer.next(),
      // The turn stopped reading (a runaway answer): close the request, as leaving llm.chat's loop does.
      return: async () => {
        controller.abort(new Error('the turn stopped reading'));
        buffer.close();
        return { value: undefined, done: true };
      },
    };
    return { tokens: { [Symbol.asyncIterator]: () => iterator }, startedAt: this.#startedAt, firstTokenAt: () => this.#firstTokenAt };
  }

  #release(): void {
    this.#disarm();
    this.turn.signal.removeEventListener('abort', this.#onAbort);
  }

  async #pump(): Promise<void> {
    const { llm, messages, model, conversation } = this.request;
    const options: ChatOptions = { model, conversation, signal: this.#controller.signal };
    try {
      for await (const token of llm.chat(messages, options)) {
        this.#firstTokenAt ??= performance.now();
        this.#buffer.push(token);
      }
      this.#buffer.end();
    } catch (err) {
      // Reported only by the turn that adopts it, as that turn's own failure (the same ERROR and
      // phrase as a request it made itself). Not adopted, it is dropped: it was never the user's
      // request, only a guess at it made before the words were confirmed.
      this.#buffer.fail(err);
    } finally {
      // Adopted, the stream is over now; not adopted, an abort or settled false may still drop it.
      this.#finished = true;
      if (this.#adopted) this.#release();
    }
  }
}

function sameRequest(a: LlmRequest, b: LlmRequest): boolean {
  if (a.llm !== b.llm || a.model !== b.model || a.conversation !== b.conversation || a.messages.length !== b.messages.length) return false;
  return a.messages.every((m, i) => m.role === b.messages[i]!.role && m.content === b.messages[i]!.content);
}
