import { describe, expect, it } from 'vitest';
import { judgePhrase } from './phrase-end.ts';

describe('judgePhrase: does a transcript read as a finished command?', () => {
  it('finished commands', () => {
    for (const text of ['What time is it?', 'Set a timer for ten minutes.', 'turn on the kitchen lights,', 'turn on the kitchen lights', 'Stop.', 'play some quiet music']) {
      expect(judgePhrase(text, 'en'), text).toBe('complete');
    }
  });

  it('phrases still going on: a last word no command ends on, or trailing dots', () => {
    for (const text of ['Set a timer for', 'Set a timer for...', 'turn on the', 'What is the weather in…', 'remind me to', 'Call mum and']) {
      expect(judgePhrase(text, 'en'), text).toBe('unfinished');
    }
    expect(judgePhrase('Stell einen Timer für', 'de')).toBe('unfinished');
    expect(judgePhrase('Поставь таймер на', 'ru')).toBe('unfinished');
  });

  it('no text is no evidence; a language without a word list is judged by punctuation', () => {
    expect(judgePhrase('  ', 'en')).toBeNull();
    expect(judgePhrase('タイマーを', 'ja')).toBe('complete');
    expect(judgePhrase('タイマーを…', 'ja')).toBe('unfinished');
  });
});
