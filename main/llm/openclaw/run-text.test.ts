import { describe, expect, it } from 'vitest';
import { RunText } from './run-text.ts';

const message = (text: string) => ({ state: 'delta', message: { role: 'assistant', content: [{ type: 'text', text }] } });
/** Feeds events in order and returns everything handed on, as one string. */
function speak(events: Array<{ part: string } | Record<string, unknown>>): string {
  const words = new RunText();
  return events.map((e) => ('part' in e && typeof e.part === 'string' ? words.part(e.part) : words.chat(e as Record<string, unknown>))).join('');
}

describe('RunText: every word of a run once', () => {
  it('the usual order: the part, then the answer as deltas', () => {
    expect(speak([{ part: 'Let me check.' }, { deltaText: 'It is ' }, { deltaText: 'sunny.' }])).toBe('Let me check. It is sunny.');
  });

  it('the part said as chat text first is not said again by its item, nor by the message that repeats it', () => {
    const events = [message('Let me check.'), { part: 'Let me check.' }, message('Let me check.\n\nIt'), message('Let me check.\n\nIt is sunny.')];
    expect(speak(events)).toBe('Let me check. It is sunny.');
  });

  it('waits while a message is still only the repeat, word by word', () => {
    const words = new RunText();
    expect(words.part('Let me check.')).toBe('Let me check. ');
    expect(words.chat(message('Let me'))).toBe('');
    expect(words.chat(message('Let me check.\n\nDone'))).toBe('Done');
    expect(words.chat(message('Let me check.\n\nDone: it printed kiwi.'))).toBe(': it printed kiwi.');
  });

  it('an answer that only starts like the part is spoken whole', () => {
    expect(speak([{ part: 'Let me check.' }, message('Let us go.')])).toBe('Let me check. Let us go.');
  });

  it('two tools: each part once, in order', () => {
    const events = [{ part: 'First this.' }, { part: 'Then that.' }, message('First this.\n\nThen that.\n\nAll done.')];
    expect(speak(events)).toBe('First this. Then that. All done.');
  });
});
