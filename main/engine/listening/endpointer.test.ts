import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../contract/config.ts';
import { Endpointer } from './endpointer.ts';

const ms = (n: number) => Math.round((n * 16000) / 1000);
const voice = { ...DEFAULT_CONFIG.voice, min_silence_ms: 500, max_silence_ms: 1200, max_utterance_s: 10 };

describe('Endpointer', () => {
  it('keeps a short pause inside one utterance and ends it after the silence limit', () => {
    const ep = new Endpointer(() => voice);
    expect(ep.addSpeech({ start: ms(1000), end: ms(1800) })).toBeNull();
    expect(ep.addSpeech({ start: ms(2100), end: ms(2900) })).toBeNull(); // 300 ms pause: same sentence
    expect(ep.tick(ms(3200), false, 0.001)).toBeNull(); // 300 ms after: not yet
    expect(ep.tick(ms(3700), false, 0.001)).toEqual({ start: ms(1000), end: ms(2900) });
  });

  it('gives longer speech more room to pause, up to max_silence_ms', () => {
    const ep = new Endpointer(() => voice);
    const short = ep.silenceLimit({ start: 0, end: ms(500) });
    const long = ep.silenceLimit({ start: 0, end: ms(6000) });
    const huge = ep.silenceLimit({ start: 0, end: ms(60000) });
    expect(short).toBe(ms(550));
    expect(long).toBeGreaterThan(short);
    expect(huge).toBe(ms(1200));
  });

  it('does not end an utterance while the VAD still hears speech', () => {
    const ep = new Endpointer(() => voice);
    ep.addSpeech({ start: 0, end: ms(800) });
    expect(ep.tick(ms(5000), true, 0.1)).toBeNull();
    expect(ep.flush()).toEqual({ start: 0, end: ms(800) });
    expect(ep.flush()).toBeNull();
  });

  it('cuts an utterance that runs past max_utterance_s', () => {
    const ep = new Endpointer(() => voice);
    ep.addSpeech({ start: 0, end: ms(6000) });
    expect(ep.addSpeech({ start: ms(6200), end: ms(10_100) })).toEqual({ start: 0, end: ms(10_100) });
  });

  it('tracks the noise floor from non-speech frames and waits longer in a noisy room', () => {
    const quiet = new Endpointer(() => voice);
    const noisy = new Endpointer(() => voice);
    for (let i = 0; i < 500; i++) {
      quiet.tick(i, false, 0.001);
      noisy.tick(i, false, 0.05);
    }
    expect(quiet.noiseFloorDb).toBeLessThan(-55);
    expect(noisy.noiseFloorDb).toBeGreaterThan(-30);
    const span = { start: 0, end: ms(1000) };
    expect(noisy.silenceLimit(span)).toBeGreaterThan(quiet.silenceLimit(span));
  });
});
