import { describe, expect, it } from 'vitest';
import { CONFIRM_ALLOWED, confirmWakeWord, OPENING_MIN_LOGPROB, readInitialism, wakeOpening } from './confirm.ts';
import { matchWakeWord } from './text-match.ts';
import { confirmDistance, phoneticKey } from './phonetic.ts';

/**
 * [transcript, command or null]: what Whisper tiny.en wrote for utterances the keyword spotter
 * fired on in bench/wake-bench.ts's corpus (espeak-ng voices), and what the confirmation decides.
 */
const SPOTTED: Array<[string, string | null]> = [
  // "Kiwi, …" as the transcript wrote it for native, accented and varied voices
  ['Kiwi, what time in it?', 'what time in it?'],
  ['Keywee, play some jazz.', 'play some jazz.'],
  ['Key we set a timer for five minutes.', 'set a timer for five minutes.'],
  ['Key Week, turn on the kitchen lights.', 'turn on the kitchen lights.'],
  ['Keyweek, who is speaking.', 'who is speaking.'],
  ["KV, he's speaking.", "he's speaking."],
  ['Can we... what time is it?', 'what time is it?'],
  ['Hey Kiwi, turn on the lights.', 'turn on the lights.'],
  // Near-misses the spotter took for "kiwi": the transcript says what they were
  ['Give me the keys, we are leaving now.', null],
  ['Give me what time is it?', null],
  ['kill me what time is it?', null],
  ['Keys, where are my keys?', null],
  ['Cookie, stop!', null],
  ['Key witness for the defense.', null],
  ['Keyweets for the defense.', null],
  ['Take it, come here.', null],
  // The word not at the start: the spotter heard it in the middle of other talk
  ['The key we lost was under the mat all along.', null],
  ['We drove down to Key West for the weekend.', null],
];

describe('confirmWakeWord (two-stage wake: the transcript confirms what the spotter heard)', () => {
  it.each(SPOTTED)('%j → %j', (transcript, command) => {
    const found = confirmWakeWord(transcript, 'kiwi', 'en');
    expect(found.matched).toBe(command !== null);
    if (command !== null) expect(found.command).toBe(command);
  });

  it('is more tolerant than the transcript engine alone, which misses these', () => {
    for (const heard of ['Key Week, turn on the kitchen lights.', 'Keyweek, who is speaking.', 'KV, stop.']) {
      expect(matchWakeWord(heard, 'kiwi', 'en').matched, heard).toBe(false);
      expect(confirmWakeWord(heard, 'kiwi', 'en').matched, heard).toBe(true);
    }
  });

  it('forgives a vowel, a near consonant or one run-on sound; not another consonant, a lost sound or two slips', () => {
    const d = (heard: string) => confirmDistance(phoneticKey(heard), phoneticKey('kiwi'));
    expect(d('kiwi')).toBe(0);
    expect(d('giwi')).toBe(0.5);
    expect(d('keyweek')).toBe(0.5);
    expect(d('kiki')).toBeGreaterThan(CONFIRM_ALLOWED); // another consonant
    expect(d('kiev')).toBeGreaterThan(CONFIRM_ALLOWED); // a lost sound
    expect(d('give')).toBeGreaterThan(CONFIRM_ALLOWED); // near consonant and another vowel
    expect(d('keyweets')).toBeGreaterThan(CONFIRM_ALLOWED); // two run-on sounds ("Key witness")
  });

  it('takes "Can we" for "kiwi" only as a confirmation: the transcript engine alone never wakes on it', () => {
    // (bench: the spotter fires on a low "kiwi" that tiny.en writes "Can we", not on a spoken "Can we go home now?")
    expect(confirmWakeWord('Can we stop?', 'kiwi', 'en')).toMatchObject({ matched: true, command: 'stop?' });
    expect(matchWakeWord('Can we stop?', 'kiwi', 'en').matched).toBe(false);
    expect(confirmWakeWord('Can we stop?', 'jarvis', 'en').matched).toBe(false);
  });

  it('asks the transcript to open with the wake word written as a name', () => {
    expect(wakeOpening(' kiwi ')).toEqual({ text: 'Kiwi', minLogprob: OPENING_MIN_LOGPROB });
    expect(wakeOpening('hey jarvis').text).toBe('Hey Jarvis');
    expect(wakeOpening('киви').text).toBe('Киви');
  });

  it('reads an opening initialism as letter names, but not a greeting', () => {
    expect(readInitialism('KV, stop.', 'en')).toBe('keivi, stop.');
    expect(readInitialism('K-V stop', 'en')).toBe('keivi stop');
    expect(readInitialism('OK, Kiwi, stop.', 'en')).toBe('OK, Kiwi, stop.');
    expect(readInitialism('NASA launched it', 'en')).toBe('NASA launched it');
  });

  it('works for any wake word and language the matcher knows (a picked word, a Russian transcript)', () => {
    expect(confirmWakeWord('Jarvis, open the door', 'jarvis', 'en').matched).toBe(true);
    expect(confirmWakeWord('Jervis, open the door', 'jarvis', 'en').matched).toBe(true);
    expect(confirmWakeWord('Киви, который час?', 'kiwi', 'ru')).toMatchObject({ matched: true, command: 'который час?' });
    expect(confirmWakeWord('Кино было хорошее', 'kiwi', 'ru').matched).toBe(false);
  });
});
