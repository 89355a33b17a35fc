import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Config } from '../../contract/config.ts';
import { confirmWakeWord } from '../stages/wake/confirm.ts';
import { matchWakeWord } from '../stages/wake/text-match.ts';
import { earlyCommand, isTwoStage, phraseVerdict, sttOptions, wakeInTranscript, type WakeJudges } from './wake-decision.ts';

const twoStage: Config = { ...DEFAULT_CONFIG, wake_word_engine: 'kws', voice: { ...DEFAULT_CONFIG.voice, wake_confirm: 'transcript' } };
const spotterAlone: Config = { ...twoStage, voice: { ...twoStage.voice, wake_confirm: 'off' } };
const judges: WakeJudges = { detector: true, matchWake: matchWakeWord, confirmWake: confirmWakeWord };

describe('whether words are for Kiwi', () => {
  it('is two-stage only with the spotter, the transcript confirming and a confirmation to ask', () => {
    expect(isTwoStage(twoStage, judges)).toBe(true);
    expect(isTwoStage(spotterAlone, judges)).toBe(false);
    expect(isTwoStage(twoStage, { ...judges, detector: false })).toBe(false);
    expect(isTwoStage(twoStage, { ...judges, confirmWake: undefined })).toBe(false);
  });

  it('lets the transcript open with the wake word only when the spotter heard it, in a two-stage wake', () => {
    expect(sttOptions(twoStage, judges, true)).toMatchObject({ language: 'en', opening: { text: 'Kiwi' } });
    expect(sttOptions(twoStage, judges, false)).toEqual({ language: 'en' });
    expect(sttOptions(spotterAlone, judges, true)).toEqual({ language: 'en' });
  });

  it('takes a spotted wake word when the transcript confirms it, and turns it down when not', () => {
    // "Can we" is what tiny.en writes for a low "kiwi": a confirmation, never a match on its own.
    expect(wakeInTranscript('Can we, what time is it?', 'en', true, twoStage, judges)).toMatchObject({ spotted: true, wake: true, match: { matched: true } });
    expect(wakeInTranscript('Can we, what time is it?', 'en', false, twoStage, judges)).toMatchObject({ confirm: null, spotted: false, wake: false });
    expect(wakeInTranscript('Give me the keys, we are leaving.', 'en', true, twoStage, judges)).toMatchObject({ spotted: false, wake: false });
    // The spotter alone decides: its detection stands whatever the words.
    expect(wakeInTranscript('Give me the keys, we are leaving.', 'en', true, spotterAlone, judges)).toMatchObject({ confirm: null, spotted: true, wake: true });
  });

  it('finds the command in an early transcript meant for Kiwi, and nothing in one that is not', () => {
    expect(earlyCommand('Kiwi, what time is it?', 'en', twoStage, judges, { spotted: false, awake: false })).toBe('what time is it?');
    expect(earlyCommand('What time is it?', 'en', twoStage, judges, { spotted: false, awake: true })).toBe('What time is it?');
    expect(earlyCommand('What time is it?', 'en', twoStage, judges, { spotted: false, awake: false })).toBeNull();
    expect(earlyCommand('Kiwi.', 'en', twoStage, judges, { spotted: true, awake: false })).toBeNull();
  });

  it('judges the words after the wake word; the wake word alone is left to the silence', () => {
    expect(phraseVerdict('Kiwi, what time is it?', 'en', twoStage, judges)).toBe('complete');
    expect(phraseVerdict('Kiwi, set a timer for', 'en', twoStage, judges)).toBe('unfinished');
    expect(phraseVerdict('Kiwi.', 'en', twoStage, judges)).toBeNull();
  });
});
