import type { KeywordLine } from './kws-tokens.ts';

/**
 * Sound-alike spellings the keyword spotter also listens for, reported as the wake word itself.
 * A small transducer hears "kiwi" from many voices as other letter sequences; each extra
 * spelling was kept only when bench/wake-bench.ts showed it found more commands without adding
 * false wakes on long speech (bench/results/wake.json). Other wake words are listened for as typed.
 */
export const SOUND_ALIKES: Record<string, Array<{ spelling: string; boost?: number; threshold?: number }>> = {
  kiwi: [],
};

/** The keywords-file lines for a wake word: the word as typed, then its measured sound-alikes. */
export function wakeKeywordLines(wakeWord: string, options: { boost: number; threshold: number }): KeywordLine[] {
  const keyword = wakeWord.trim();
  const alikes = SOUND_ALIKES[keyword.toLowerCase()] ?? [];
  return [
    { keyword, boost: options.boost, threshold: options.threshold },
    ...alikes.map((a) => ({ keyword, spelling: a.spelling, boost: a.boost ?? options.boost, threshold: a.threshold ?? options.threshold })),
  ];
}
