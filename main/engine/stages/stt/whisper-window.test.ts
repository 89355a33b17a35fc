import { describe, expect, it } from 'vitest';
import { SAMPLE_RATE } from '../../../contract/audio.ts';
import { windowSamples } from './whisper-decoder.ts';

const s = (seconds: number) => seconds * SAMPLE_RATE;

describe('windowSamples: what a Whisper window is encoded on', () => {
  it('an English command: its own length plus a 0.3 s tail, at least 5 s, in whole encoder states', () => {
    expect(windowSamples(s(2), 'en', false)).toBe(s(5));
    expect(windowSamples(s(6), 'en', false)).toBe(s(6.3));
    expect(windowSamples(s(6) + 1, 'en', false) % 320).toBe(0);
  });

  it('the 30 s window for long speech, for stt_full_window, and for every language but English (only English was measured unpadded)', () => {
    expect(windowSamples(s(12), 'en', false)).toBe(s(30));
    expect(windowSamples(s(2), 'en', true)).toBe(s(30));
    for (const language of ['de', 'fr', 'ru', 'zh']) expect(windowSamples(s(2), language, false), language).toBe(s(30));
    expect(windowSamples(s(2), undefined, false)).toBe(s(30)); // still to be detected
  });
});
