import { describe, expect, it } from 'vitest';
import { SAMPLE_RATE } from '../../contract/audio.ts';
import { concat } from '../models/testing/speech.ts';
import { trailingSilence, VoicedEnd } from './voiced-end.ts';

const ms = (n: number) => Math.round((n * SAMPLE_RATE) / 1000);
const tone = (durationMs: number, amplitude: number) => Float32Array.from({ length: ms(durationMs) }, (_, i) => amplitude * Math.sin(i / 5));
describe('trailingSilence: where the voice really stopped', () => {
  it('counts the quiet tail the VAD left after the voice', () => {
    expect(trailingSilence(concat(tone(800, 0.3), new Float32Array(ms(90))))).toBe(ms(90));
  });

  it('counts room noise far below the voice as silence, and a soft last syllable as voice', () => {
    const noise = tone(70, 0.3 * 10 ** (-45 / 20));
    const softEnd = tone(50, 0.3 * 10 ** (-20 / 20));
    expect(trailingSilence(concat(tone(500, 0.3), softEnd, noise))).toBe(ms(70));
  });

  it('is zero for speech to the last sample, and for silence only', () => {
    expect(trailingSilence(tone(300, 0.2))).toBe(0);
    expect(trailingSilence(new Float32Array(ms(300)))).toBe(0);
  });
});

describe('VoicedEnd: the voice followed as frames arrive', () => {
  it('knows where the voice stopped while room noise far below it goes on', () => {
    const voiced = new VoicedEnd();
    const frames = [tone(400, 0.3), tone(32, 0.3 * 10 ** (-20 / 20)), tone(300, 0.3 * 10 ** (-45 / 20))];
    let end = 0;
    for (const f of frames) voiced.push(f, (end += f.length));
    expect(voiced.end).toBe(ms(432));
  });

  it('after a restart, the next utterance sets its own loudness: a quieter voice still counts', () => {
    const voiced = new VoicedEnd();
    voiced.push(tone(300, 0.5), ms(300));
    voiced.restart();
    voiced.push(tone(200, 0.5 * 10 ** (-40 / 20)), ms(500));
    expect(voiced.end).toBe(ms(500));
  });
});
