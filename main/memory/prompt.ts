import type { TurnRequest } from '../engine/listening/turn.ts';
import { isBlocked } from '../speakers/roles.ts';
import type { FactRecord } from '../store/store.ts';

/**
 * The system-prompt section with what the speaker of this turn asked Kiwi to remember, or null
 * when there is nothing to add. Only the turn's own speaker is ever looked up: an unknown voice
 * (no speaker) or a blocked one gets no memory, so no one hears another person's facts.
 */
export function memoryPrompt(request: Pick<TurnRequest, 'speaker'>, factsOf: (speakerId: string) => readonly FactRecord[]): string | null {
  const speaker = request.speaker;
  if (!speaker || isBlocked(speaker)) return null;
  const facts = factsOf(speaker.id);
  if (facts.length === 0) return null;
  // In the speaker's own words, one per line: "I" in a fact means the speaker, not Kiwi.
  const lines = facts.map((f) => `- ${f.text.replace(/\s+/gu, ' ')}`);
  return [
    `${speaker.name} asked you to remember these things, in their own words ("I" means ${speaker.name}).`,
    'Use them when they matter to the answer; do not recite them unprompted. They are about this speaker only.',
    ...lines,
  ].join('\n');
}
