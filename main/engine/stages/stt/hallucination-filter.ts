import type { Pcm } from '../../stages.ts';

/**
 * Recognizers — Whisper above all — write words when there are none: "Thank you for watching."
 * on a quiet room, "Субтитры сделал DimaTorzok" on noise, "you you you you" in a loop. Kiwi would
 * treat them as commands. This module holds the two checks: before decoding (is there enough
 * speech to be worth decoding?) and after (is this text one of the known phantoms?).
 */

/** Less speech than this is a click, a breath or a cough: not decoded. */
export const MIN_SPEECH_S = 0.3;

const FRAME_S = 0.02;
/** Quieter than this (dBFS) is never speech, whatever the room's noise floor. */
const ABSOLUTE_FLOOR_DB = -55;
/** Speech stands this far above the clip's own noise floor; stationary noise never does. */
const ABOVE_FLOOR_DB = 6;

/**
 * Seconds of the clip that sound like speech: 20 ms frames louder than both an absolute floor
 * and 6 dB above the clip's noise floor (its 10th-percentile frame). Steady noise — a fan, hiss,
 * hum — lies within ~1 dB of its own floor and counts as nothing; speech has pauses and stops
 * 15–30 dB below its vowels, so even a clip cut tight around a word keeps most of its frames.
 */
export function speechSeconds(audio: Pcm): number {
  const frame = Math.max(1, Math.round(FRAME_S * audio.sampleRate));
  const count = Math.floor(audio.samples.length / frame);
  if (count === 0) return 0;
  const levels = new Float64Array(count);
  for (let f = 0; f < count; f += 1) {
    let sum = 0;
    for (let i = f * frame; i < (f + 1) * frame; i += 1) sum += audio.samples[i]! * audio.samples[i]!;
    levels[f] = 10 * Math.log10(sum / frame + 1e-12);
  }
  const floor = [...levels].sort((a, b) => a - b)[Math.floor(count * 0.1)]!;
  const threshold = Math.max(ABSOLUTE_FLOOR_DB, floor + ABOVE_FLOOR_DB);
  let speech = 0;
  for (const level of levels) if (level > threshold) speech += 1;
  return (speech * frame) / audio.sampleRate;
}

/** One language's known phantoms, already normalized (see `normalize`). */
export interface PhantomList {
  /** A sentence that is exactly one of these is dropped. */
  phrases: string[];
  /** A sentence that contains one of these (credits, channel names) is dropped. */
  markers: string[];
}

/** Lower case, compatibility forms folded, punctuation and symbols as spaces, spaces collapsed. */
export function normalize(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}]+/gu, ' ')
    .trim();
}

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

/** Whether `sentence` is `phrase` (both normalized); spaces do not count in unspaced scripts. */
function same(sentence: string, phrase: string): boolean {
  if (CJK.test(phrase)) return sentence.replace(/ /g, '') === phrase.replace(/ /g, '');
  return sentence === phrase;
}

/** Whether `marker` occurs in `sentence` (both normalized): whole words, or anywhere in unspaced scripts. */
function contains(sentence: string, marker: string): boolean {
  if (CJK.test(marker)) return sentence.replace(/ /g, '').includes(marker.replace(/ /g, ''));
  return ` ${sentence} `.includes(` ${marker} `);
}

/** Words to compare, or characters for Chinese and Japanese, which write no spaces. */
function units(normalized: string): string[] {
  if (!normalized) return [];
  if (CJK.test(normalized)) return [...normalized.replace(/ /g, '')];
  return normalized.split(' ');
}

/**
 * Whether the whole text is one short pattern (1–8 words or characters) said `repeats` or more
 * times over: "you you you you", "謝謝謝謝謝謝謝謝". Three times ("no no no") is still speech.
 */
export function isRepetitionLoop(text: string, repeats = 4): boolean {
  const u = units(normalize(text));
  for (let period = 1; period <= 8 && period * repeats <= u.length; period += 1) {
    if (u.every((unit, i) => unit === u[i % period])) return true;
  }
  return false;
}

/**
 * Collapses a run of one 1–4-word pattern repeated four or more times inside longer text
 * ("turn on the light light light light light") to a single copy. Words are compared without
 * punctuation; the first copy keeps its own spelling.
 */
export function collapseRuns(text: string, repeats = 4): string {
  const words = text.split(/\s+/).filter(Boolean);
  const keys = words.map(normalize);
  const out: string[] = [];
  let i = 0;
  while (i < words.length) {
    let skipped = false;
    for (let n = 1; n <= 4 && !skipped; n += 1) {
      let k = 1;
      while (i + (k + 1) * n <= words.length && keys.slice(i + k * n, i + (k + 1) * n).every((w, j) => w === keys[i + j])) k += 1;
      if (k >= repeats && keys.slice(i, i + n).some(Boolean)) {
        out.push(...words.slice(i, i + n));
        i += k * n;
        skipped = true;
      }
    }
    if (!skipped) out.push(words[i++]!);
  }
  return out.join(' ');
}

/** Sentences, each with its own end punctuation (a dot inside "amara.org" does not end one). */
function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?…])\s+|(?<=[。！？])/u)
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * The transcript without its phantoms: sentences that are a known phrase or carry a known
 * marker are removed, repetition loops dropped or collapsed; what has no letter or digit left
 * (".", "♪", "...") becomes ''.
 */
export function cleanTranscript(text: string, lists: readonly PhantomList[]): string {
  const kept = sentences(text).filter((sentence) => {
    const n = normalize(sentence);
    if (!n || isRepetitionLoop(sentence)) return false;
    return !lists.some((l) => l.phrases.some((p) => same(n, p)) || l.markers.some((m) => contains(n, m)));
  });
  const joined = collapseRuns(kept.join(' '));
  if (!normalize(joined) || isRepetitionLoop(joined)) return '';
  return joined;
}
