import type { TurnAnswer, TurnRequest } from '../engine/listening/turn.ts';
import { isBlocked } from '../speakers/roles.ts';
import { formatList } from '../dialogue/commands/replies.ts';
import type { PartialHandler } from '../dialogue/router.ts';
import { memoryReply, type MemoryLocale, type MemoryReplyKey } from './locale.ts';
import { MemoryMatcher, type MemoryMatch } from './match.ts';
import type { SpeakerMemory } from './speaker-memory.ts';

export interface MemoryCommandsDeps {
  memory: SpeakerMemory;
  matcher?: MemoryMatcher;
}

export interface MemoryAnswer extends TurnAnswer {
  command: `memory_${MemoryMatch['name']}`;
  reply: string[] | null;
  match: MemoryMatch;
}

/**
 * The memory voice commands as a router PartialHandler: "remember that …", "what do you
 * remember about me", "forget that", "forget everything about me". They act on the speaker of
 * the turn only. Memory needs a known voice: an unknown voice and a typed turn (no speaker) are
 * told so, and a blocked voice is ignored silently, as every built-in command ignores it.
 */
export function createMemoryCommands(deps: MemoryCommandsDeps): PartialHandler {
  const matcher = deps.matcher ?? new MemoryMatcher();
  return async (request: TurnRequest): Promise<MemoryAnswer | null> => {
    const match = matcher.match(request.text, request.language);
    if (!match) return null;
    const locale = matcher.locale(request.language);
    const command = `memory_${match.name}` as const;
    const say = (key: MemoryReplyKey, values?: Record<string, string>): MemoryAnswer => ({ command, reply: [memoryReply(locale, key, values)], match });
    const speaker = request.speaker;
    if (speaker && isBlocked(speaker)) return { command, reply: null, match };
    const { memory } = deps;
    // No voice, or a profile deleted while this turn ran (the dashboard): there is no one to remember for.
    if (!speaker || !memory.knows(speaker.id)) return say('voice_needed');
    switch (match.name) {
      case 'remember': {
        const result = memory.remember(speaker.id, match.fact!, locale.language);
        if (result.status === 'added') return say('remembered');
        if (result.status === 'known') return say('already_known');
        return say(result.status, { max: String(result.max) });
      }
      case 'recall': {
        const facts = memory.facts(speaker.id).map((f) => f.text);
        if (facts.length === 0) return say('recall_none');
        return say('recall', { facts: listOf(facts, locale, matcher) });
      }
      case 'forget_last': {
        const fact = memory.forgetLast(speaker.id);
        return fact ? say('forgot_last', { fact: fact.text }) : say('forgot_none');
      }
      case 'forget_all':
        return memory.forgetFacts(speaker.id) > 0 ? say('forgot_all') : say('forgot_none');
    }
  };
}

/** The facts read back as one list in the language's own way ("a, b and c"). */
function listOf(facts: string[], locale: MemoryLocale, matcher: MemoryMatcher): string {
  return formatList(facts, matcher.intlLocale(locale.language));
}
