import { describe, expect, it } from 'vitest';
import { covers, isStale, speechSoFar, type EarlyGuess, type Listening } from './early-transcript.ts';

const ms = (n: number) => n * 16;
/** Speech from 1 s to 2 s; the VAD still hangs on to the stretch; 200 ms of the voice's silence have passed. */
const base: Listening = {
  now: ms(2200),
  speaking: true,
  open: null,
  speakingSince: ms(1200),
  voicedEnd: ms(2000),
  silenceLimit: () => ms(500),
  onVoice: true,
};
const guess = (over: Partial<EarlyGuess> = {}): EarlyGuess => ({
  start: ms(900),
  end: ms(2100),
  from: ms(300),
  heardTo: ms(2200),
  byVoice: true,
  verdict: null,
  controller: new AbortController(),
  transcript: { result: Promise.resolve({ text: '', language: 'en' }), samples: new Float32Array(0) },
  ...over,
});

describe('early transcripts: what to guess on, and when a guess still holds', () => {
  it('while the VAD hangs on, the voice that stopped 180 ms ago is guessed on: from 190 ms before the VAD was sure to 100 ms after the voice', () => {
    expect(speechSoFar(base, 180)).toEqual({ start: ms(1010), end: ms(2100) });
    expect(speechSoFar(base, 250)).toBeNull(); // not silent long enough yet
    expect(speechSoFar({ ...base, onVoice: false }, 180)).toBeNull(); // voice.speculate_on_voice off: the VAD's end is awaited
  });

  it('joins the open utterance when the new speech is within its silence limit, not when it comes later', () => {
    expect(speechSoFar({ ...base, open: { start: ms(100), end: ms(700) } }, 180)).toMatchObject({ start: ms(100) });
    expect(speechSoFar({ ...base, open: { start: ms(100), end: ms(300) } }, 180)).toMatchObject({ start: ms(1010) });
  });

  it('once the VAD closed the stretch, its end counts', () => {
    const open = { start: ms(1000), end: ms(2050) };
    expect(speechSoFar({ ...base, speaking: false, open, now: ms(2250) }, 180)).toEqual(open);
    expect(speechSoFar({ ...base, speaking: false, open, now: ms(2200) }, 180)).toBeNull();
  });

  it('a guess made on the voice goes stale when voice comes back, not when the VAD merely hangs on', () => {
    expect(isStale(guess(), base)).toBe(false);
    expect(isStale(guess(), { ...base, voicedEnd: ms(2300), now: ms(2300) })).toBe(true);
    expect(isStale(guess(), { ...base, speaking: false, open: { start: ms(1000), end: ms(2080) } })).toBe(false);
    expect(isStale(guess(), { ...base, speaking: false, open: { start: ms(1000), end: ms(2400) } })).toBe(false); // a long hang-over, no voice
    expect(isStale(guess(), { ...base, speaking: false, open: { start: ms(100), end: ms(2080) } })).toBe(true); // speech from before what it heard
  });

  it('covers an utterance whose speech it heard whole, and nothing after it', () => {
    const voicedEnd = ms(2000);
    expect(covers(guess(), { start: ms(1000), end: ms(2080) }, voicedEnd)).toBe(true);
    expect(covers(guess(), { start: ms(1000), end: ms(2600) }, voicedEnd)).toBe(true); // a VAD that hung on long, with no voice
    expect(covers(guess(), { start: ms(1000), end: ms(2600) }, ms(2500))).toBe(false); // voice after what it heard
    expect(covers(guess(), { start: ms(200), end: ms(2080) }, voicedEnd)).toBe(false); // speech before what it heard
    expect(covers(guess(), { start: ms(1000), end: ms(1500) }, voicedEnd)).toBe(false); // it heard words after this one's end
    const aborted = guess();
    aborted.controller.abort();
    expect(covers(aborted, { start: ms(1000), end: ms(2080) }, voicedEnd)).toBe(false);
  });
});
