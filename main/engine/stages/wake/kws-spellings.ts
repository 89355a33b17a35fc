import type { KeywordLine } from './kws-tokens.ts';

/**
 * Sound-alike spellings the keyword spotter also listens for, reported as the wake word itself,
 * when the transcript confirms what it heard (voice.wake_confirm 'transcript'). A small
 * transducer hears "kiwi" from many voices as other letter sequences ("key wee"; "key vee" from
 * German and Polish voices); alone, each extra line wakes Kiwi on more speech without the word,
 * so the spotter alone listens for the word as typed. Kept only what bench/wake-bench.ts showed
 * finds more commands of its tune voices (bench/results/wake.json). Other wake words: as typed.
 */
export const SOUND_ALIKES: Record<string, Array<{ spelling: string; boost?: number; threshold?: number }>> = {
  kiwi: [{ spelling: 'key wee' }, { spelling: 'key we' }, { spelling: 'key vee' }],
};

/** The keywords-file lines for a wake word: the word as typed, then (two-stage only) its measured sound-alikes. */
export function wakeKeywordLines(wakeWord: string, options: { boost: number; threshold: number; confirmed: boolean }): KeywordLine[] {
  const keyword = wakeWord.trim();
  const alikes = options.confirmed ? (SOUND_ALIKES[keyword.toLowerCase()] ?? []) : [];
  return [
    { keyword, boost: options.boost, threshold: options.threshold },
    ...alikes.map((a) => ({ keyword, spelling: a.spelling, boost: a.boost ?? options.boost, threshold: a.threshold ?? options.threshold })),
  ];
}
