import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../contract/config.ts';
import { requireVerifiedModel } from '../../models/require.ts';
import { describeWithModels } from '../../models/testing/model-env.ts';
import { concat, silence, speak, speechToolsMissing } from '../../models/testing/speech.ts';
import type { SpeechSegment } from '../../stages.ts';
import { SileroVad, sileroOptions } from './silero-vad.ts';

const RATE = 16000;

/**
 * Kiwi's own VAD stage (SileroVad) on the real Silero model, with Kiwi's default voice settings:
 * the windowing it does itself (frames of any length), `speaking` while speech is heard, the
 * segments it reports, flush, reset and fork. (vad.models.test.ts checks the model itself.)
 */
describeWithModels('the silero VAD stage (real model)', (modelsDir) => {
  let modelFile: string;
  const newVad = (threshold?: number) => new SileroVad(modelFile, sileroOptions(DEFAULT_CONFIG.voice, threshold));
  const sentence = () => speak('Kiwi, please turn on the lights in the living room.');
  /** One breath, no comma: Silero hears it as one stretch of speech. */
  const plain = () => speak('Please turn on the lights in the living room now');

  /** Feed `audio` in frames of `frame` samples; returns the segments reported and `speaking` after each frame. */
  function feed(vad: SileroVad, audio: Float32Array, frame: number) {
    const segments: SpeechSegment[] = [];
    const speaking: Array<{ at: number; speaking: boolean }> = [];
    for (let at = 0; at < audio.length; at += frame) {
      segments.push(...vad.accept(audio.subarray(at, at + frame)));
      speaking.push({ at: Math.min(audio.length, at + frame) / RATE, speaking: vad.speaking });
    }
    return { segments, speaking };
  }
  const seconds = (s: SpeechSegment) => [s.start / RATE, (s.start + s.samples.length) / RATE] as const;

  beforeAll(async () => {
    expect(speechToolsMissing()).toBeNull();
    modelFile = path.join(await requireVerifiedModel('silero-vad', { modelsDir }), 'silero_vad.onnx');
  });

  it('reports the speech where it is, whatever the frame size, and hears it while it lasts', () => {
    const speech = sentence();
    const speechS = speech.length / RATE;
    const clip = concat(silence(1), speech, silence(1.5));
    // 100 ms frames (what the audio sources send), and an odd size that never lines up with Silero's 512-sample window.
    for (const frame of [1600, 333]) {
      const { segments, speaking } = feed(newVad(), clip, frame);
      expect(segments.length, `frame ${frame}`).toBeGreaterThanOrEqual(1);
      const [start] = seconds(segments[0]!);
      const [, end] = seconds(segments.at(-1)!);
      expect(start).toBeGreaterThan(0.6);
      expect(start).toBeLessThan(1.4);
      expect(end).toBeGreaterThan(1 + speechS - 0.5);
      expect(end).toBeLessThan(1 + speechS + 0.8);
      for (const s of segments) expect(s.sampleRate).toBe(RATE);
      // Silence before, speech in the middle of the sentence, silence again once the hang-over is past.
      expect(speaking.filter((p) => p.at < 0.5).every((p) => !p.speaking)).toBe(true);
      expect(speaking.find((p) => p.at >= 1 + speechS / 2)?.speaking).toBe(true);
      expect(speaking.at(-1)?.speaking).toBe(false);
    }
  });

  it('loses and invents nothing between windows: tiny frames give the same segments as one big one', () => {
    const clip = concat(silence(0.5), plain(), silence(1), plain(), silence(1));
    const whole = newVad();
    const expected = [...whole.accept(clip), ...whole.flush()].map(seconds);
    expect(expected.length).toBeGreaterThanOrEqual(2);
    const tiny = newVad();
    const got = [...feed(tiny, clip, 100).segments, ...tiny.flush()].map(seconds);
    expect(got).toEqual(expected);
  });

  it('splits two sentences at the pause between them, and flushes the one still open when input ends', () => {
    const first = plain();
    const vad = newVad();
    // Input ends in the middle of the second sentence.
    const { segments } = feed(vad, concat(silence(0.5), first, silence(1), plain().subarray(0, RATE * 1.5)), 1600);
    expect(segments).toHaveLength(1); // the first sentence; the second is still open
    const [, firstEnd] = seconds(segments[0]!);
    expect(firstEnd).toBeLessThan(0.5 + first.length / RATE + 0.6);
    const rest = vad.flush();
    expect(rest).toHaveLength(1);
    expect(seconds(rest[0]!)[0]).toBeGreaterThan(firstEnd + 0.5);
    expect(vad.flush()).toEqual([]); // flushed once is gone
  });

  it('reset forgets speech in progress', () => {
    const vad = newVad();
    feed(vad, concat(silence(0.3), plain().subarray(0, RATE * 1.5)), 1600);
    expect(vad.speaking).toBe(true);
    vad.reset();
    expect(vad.speaking).toBe(false);
    expect(vad.flush()).toEqual([]);
  });

  it('a fork is a separate detector on the same model, with its own threshold', () => {
    // Quiet speech (about -40 dBFS): heard at the default threshold, not by a strict fork (barge-in's kind).
    const clip = concat(silence(0.5), plain().map((s) => s * 0.01), silence(1));
    const base = newVad();
    const strict = base.fork(0.95);
    expect([...feed(base, clip, 1600).segments, ...base.flush()]).toHaveLength(1);
    expect([...feed(strict, clip, 1600).segments, ...strict.flush()]).toEqual([]);
    // Feeding one never moves another: a fresh fork is silent while its parent hears speech.
    const fork = base.fork(0.5);
    feed(base, concat(silence(0.3), plain().subarray(0, RATE * 1.5)), 1600);
    expect(base.speaking).toBe(true);
    expect(fork.speaking).toBe(false);
  });
});
