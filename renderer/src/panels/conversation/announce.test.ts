import { describe, expect, it } from 'vitest';
import { announcement } from './announce.ts';

const turn = { ignored: null, source: 'voice', transcript: 'what time is it', speaker: null, reply: "It's 10:42." };

describe('what the conversation announces to a screen reader', () => {
  it('a spoken turn: what Kiwi heard, by whom, then the reply', () => {
    expect(announcement({ ...turn, speaker: { id: 'spk_1', name: 'Ada', confidence: 0.9 } })).toBe("Ada: what time is it. Kiwi: It's 10:42.");
    expect(announcement(turn)).toBe("Kiwi heard: what time is it. Kiwi: It's 10:42.");
  });

  it('a typed turn: only the reply (the reader typed the line)', () => {
    expect(announcement({ ...turn, source: 'text' })).toBe("Kiwi: It's 10:42.");
  });

  it('nothing for an ignored utterance, whatever was heard', () => {
    expect(announcement({ ...turn, ignored: 'no wake word', transcript: 'please close the kitchen window', reply: null })).toBe('');
  });
});
