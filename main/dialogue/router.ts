import type { TurnAnswer, TurnHandler, TurnRequest } from '../engine/listening/turn.ts';
import type { EventBus } from '../engine/events/event-bus.ts';
import type { LlmPhraseBook } from '../llm/phrases.ts';
import { describeError, KiwiError } from '../platform/errors.ts';
import { untilAborted } from '../platform/until-aborted.ts';
import type { Soul } from '../souls/soul-file.ts';
import type { LlmTurn } from './llm-turn.ts';

/** A handler that may take a request (answer) or pass it on (null). */
export type PartialHandler = (request: TurnRequest) => Promise<TurnAnswer | null>;

export interface RouterDeps {
  /** Built-in voice commands, then feature handlers (timers, memory...), in order; each may pass (null). */
  commands?: PartialHandler[];
  /**
   * Voice security: runs before anything reaches Home Assistant or the LLM; an answer (a refusal,
   * or "waiting for the owner's approval") ends the turn there, null lets it through.
   */
  gate?: PartialHandler;
  homeassistant: {
    readonly configured: boolean;
    /** `signal` is the turn's: Stop and barge-in end the request to Home Assistant too. */
    converse(text: string, language: string, signal?: AbortSignal): Promise<{ speech: string; understood: boolean }>;
  };
  /** The language Home Assistant is addressed in ('' = the turn's language). */
  homeAssistantLanguage: () => string;
  llmTurn: LlmTurn;
  hasLlm: () => boolean;
  activeSoul: () => Soul;
  phrases: LlmPhraseBook;
  bus: EventBus;
}

/**
 * Where a command goes: built-in commands first (stop, switch soul, time...), then Home
 * Assistant when it is set up, then the LLM. Home Assistant's "I don't understand" (no intent
 * matched) and its outages fall through to the LLM when there is one; with neither, Kiwi says
 * in the user's language what it can and cannot do, rather than staying silent. A provisional
 * request goes nowhere until its words stand (wordsStand).
 */
export function createRouter(deps: RouterDeps): TurnHandler {
  const route: TurnHandler = async (request) => {
    if (!(await wordsStand(request, deps))) return { command: null, reply: null }; // joined to what followed: nothing runs
    for (const handler of deps.commands ?? []) {
      const answer = await handler(request);
      if (answer) return answer;
      request.signal.throwIfAborted();
    }
    const refused = await deps.gate?.(request);
    if (refused) return refused;
    request.signal.throwIfAborted();

    if (deps.homeassistant.configured) {
      try {
        const answer = await deps.homeassistant.converse(request.text, deps.homeAssistantLanguage() || request.language, request.signal);
        if (answer.understood || !deps.hasLlm()) {
          if (answer.speech.trim() !== '') return { command: 'homeassistant', reply: [answer.speech] };
          // Home Assistant said nothing: "Done" for a command it carried out, else what Kiwi cannot do.
          const phrases = await deps.phrases.get(request.language);
          return { command: 'homeassistant', reply: [answer.understood ? phrases.home_done : phrases.not_configured] };
        }
      } catch (err) {
        request.signal.throwIfAborted();
        const error = { code: 'homeassistant_failed', message: describeError(err) };
        deps.bus.emit('ERROR', { ...error, turn_id: request.turn_id }, 'dialogue');
        if (!deps.hasLlm()) {
          const phrases = await deps.phrases.get(request.language);
          // A wrong token is not an outage: saying "I can't reach it" sends the user after the network.
          const refused = err instanceof KiwiError && err.code === 'ha_unauthorized';
          return { command: 'homeassistant', reply: [refused ? phrases.home_refused : phrases.home_unreachable], error };
        }
      }
      request.signal.throwIfAborted();
    }

    if (deps.hasLlm()) return deps.llmTurn(request, deps.activeSoul());
    return { command: null, reply: [(await deps.phrases.get(request.language)).not_configured] };
  };
  return async (request) => {
    try {
      return await route(request);
    } finally {
      deps.llmTurn.discard(request); // answered otherwise, failed or cut short: its prefetch is aborted (a no-op once the LLM turn adopted it)
    }
  };
}

/**
 * A provisional request (TurnRequest.settled, voice.provisional_end) waits here until the endpoint
 * confirms its words: false when they were joined to what followed (nothing may act or record
 * then); a turn cut short meanwhile throws its reason, as every step of the router does. This is
 * the one point a request passes before anything runs, and where the LLM prefetch starts.
 */
export async function wordsStand(request: TurnRequest, deps?: Pick<RouterDeps, 'hasLlm' | 'llmTurn' | 'activeSoul'>): Promise<boolean> {
  if (!request.settled) return true;
  // Meanwhile the LLM request may already run (llm-prefetch.ts: only an LLM on this machine, only
  // what the gate allows); nothing of it is used unless the LLM turn adopts it.
  if (deps?.hasLlm()) deps.llmTurn.prefetch(request, deps.activeSoul());
  return untilAborted(request.settled, request.signal);
}
