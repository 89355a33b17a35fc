import type { KeywordLine } from './kws-tokens.ts';

/**
 * Sound-alike spellings the keyword spotter also listens for, reported as the wake word itself,
 * when the transcript confirms what it heard (voice.wake_confirm 'transcript'). A small
 * transducer hears "kiwi" from many voices as other letter sequences ("key wee"; "key vee" and
 * the letters "K V" from German and Polish voices); alone, each extra line wakes Kiwi on more
 * speech without the word, so the spotter alone listens for the word as typed. Kept only what
 * bench/wake-bench.ts showed finds more commands of its tune voices (bench/results/wake.json).
 * `apart`: listened for by a spotter of its own. sherpa's search follows the lines of one
 * keywords file together, and a line that shares the word's first token but not its path is
 * crowded out: "K V" alone found 9 of 12 Polish commands, beside "kiwi" in one file 1. (A wider
 * beam, 8 paths, finds it in one file too, but then near-misses such as "Can we…" wake Kiwi.)
 * Other wake words: as typed; a phrase with "kiwi" in it ("hey kiwi") spells that word each way.
 */
export const SOUND_ALIKES: Record<string, Array<{ spelling: string; boost?: number; threshold?: number; apart?: boolean }>> = {
  kiwi: [{ spelling: 'key wee' }, { spelling: 'key we' }, { spelling: 'key vee' }, { spelling: 'k v', apart: true }],
};

/**
 * The keywords-file lines for a wake word, one list per spotter: the word as typed with the
 * sound-alikes that share its path, then (two-stage only) each sound-alike listened for apart. In a
 * phrase ("hey kiwi") a word with sound-alikes is spelled each of its ways, the rest as typed.
 */
export function wakeKeywordSets(wakeWord: string, options: { boost: number; threshold: number; confirmed: boolean }): KeywordLine[][] {
  const keyword = wakeWord.trim();
  const words = keyword
    .toLowerCase()
    .split(/\s+/)
    .map((word) => word.replace(/[^\p{L}\p{N}']+/gu, '')) // "Hey, Kiwi!" is "hey kiwi"
    .filter(Boolean);
  const at = options.confirmed ? words.findIndex((word) => SOUND_ALIKES[word]) : -1;
  const alikes = at < 0 ? [] : SOUND_ALIKES[words[at]!]!;
  const line = (a: (typeof alikes)[number]): KeywordLine => ({
    keyword,
    spelling: words.map((word, i) => (i === at ? a.spelling : word)).join(' '),
    boost: a.boost ?? options.boost,
    threshold: a.threshold ?? options.threshold,
  });
  return [
    [{ keyword, boost: options.boost, threshold: options.threshold }, ...alikes.filter((a) => !a.apart).map(line)],
    ...alikes.filter((a) => a.apart).map((a) => [line(a)]),
  ];
}
