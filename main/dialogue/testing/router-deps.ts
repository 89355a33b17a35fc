import { EventBus } from '../../engine/events/event-bus.ts';
import type { TurnAnswer } from '../../engine/listening/turn.ts';
import { LlmPhraseBook } from '../../llm/phrases.ts';
import type { LlmTurn } from '../llm-turn.ts';
import type { PartialHandler, RouterDeps } from '../router.ts';

const SOUL = { id: 'default', name: 'Kiwi', description: '', model: '', nsfw: false, prompt: '', builtin: true };

/**
 * Router deps for tests: every step the router may take (the given commands, the security gate,
 * Home Assistant, the LLM) notes its name and the text in `log` when it runs. The gate and Home
 * Assistant let everything through; the LLM answers `llm: <text>`; `llm: false` leaves it out.
 */
export function loggingRouterDeps(log: string[], options: { commands?: PartialHandler[]; llm?: boolean } = {}): RouterDeps {
  const ask = Object.assign(
    async (request: { text: string }): Promise<TurnAnswer> => {
      log.push(`llm ${request.text}`);
      return { command: 'llm', reply: [`llm: ${request.text}`] };
    },
    { prefetch: () => undefined, discard: () => undefined },
  );
  return {
    commands: options.commands ?? [],
    gate: async (request) => (log.push(`gate ${request.text}`), null),
    homeassistant: {
      configured: true,
      converse: async (text) => (log.push(`homeassistant ${text}`), { speech: '', understood: false }),
    },
    homeAssistantLanguage: () => '',
    llmTurn: ask satisfies LlmTurn,
    hasLlm: () => options.llm !== false,
    activeSoul: () => SOUL,
    phrases: new LlmPhraseBook(),
    bus: new EventBus(),
  };
}
