import type { Turn } from '../../store/conversation.ts';

/**
 * What a screen reader is told about a turn that just finished: what Kiwi heard the person say
 * (a typed line is the reader's own, not repeated) and Kiwi's reply. Nothing for ignored
 * utterances (background talk, echo) or a turn with neither.
 */
export function announcement(turn: Pick<Turn, 'ignored' | 'source' | 'transcript' | 'speaker' | 'reply'>): string {
  if (turn.ignored !== null) return '';
  const heard = turn.source !== 'text' && turn.transcript ? `${turn.speaker?.name ?? 'Kiwi heard'}: ${turn.transcript}` : '';
  const reply = turn.reply ? `Kiwi: ${turn.reply}` : '';
  return [heard, reply].filter(Boolean).join('. ');
}
