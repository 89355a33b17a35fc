import { describe, expect, it } from 'vitest';
import { wakeKeywordSets } from './kws-spellings.ts';

const options = { boost: 4, threshold: 0.02 };

describe('wakeKeywordSets', () => {
  it('listens for "kiwi" and its sound-alikes when the transcript confirms, "K V" in a spotter of its own', () => {
    const sets = wakeKeywordSets('kiwi', { ...options, confirmed: true });
    expect(sets.map((lines) => lines.map((l) => l.spelling ?? l.keyword))).toEqual([['kiwi', 'key wee', 'key we', 'key vee'], ['k v']]);
    // Every line reports the wake word itself, with the model's boost and threshold.
    expect(sets.flat().every((l) => l.keyword === 'kiwi' && l.boost === 4 && l.threshold === 0.02)).toBe(true);
  });

  it('spells "kiwi" each of its ways inside a wake phrase, each line reporting the phrase', () => {
    const sets = wakeKeywordSets('Hey Kiwi', { ...options, confirmed: true });
    expect(sets.map((lines) => lines.map((l) => l.spelling ?? l.keyword))).toEqual([['Hey Kiwi', 'hey key wee', 'hey key we', 'hey key vee'], ['hey k v']]);
    expect(sets.flat().every((l) => l.keyword === 'Hey Kiwi')).toBe(true);
    expect(wakeKeywordSets('Hey, Kiwi!', { ...options, confirmed: true })[1]).toEqual([{ keyword: 'Hey, Kiwi!', spelling: 'hey k v', ...options }]);
  });

  it('listens for the word as typed when the spotter decides alone, and for other wake words', () => {
    expect(wakeKeywordSets('Kiwi', { ...options, confirmed: false })).toEqual([[{ keyword: 'Kiwi', ...options }]]);
    expect(wakeKeywordSets(' hey jarvis ', { ...options, confirmed: true })).toEqual([[{ keyword: 'hey jarvis', ...options }]]);
  });
});
