import type { Pcm } from '../stages.ts';
import { SAMPLE_RATE } from '../../contract/audio.ts';

/**
 * The "I'm listening" cue after a bare wake word: two short rising tones, generated (no asset
 * file), with soft edges so it does not click.
 */
export function wakeCue(sampleRate = SAMPLE_RATE): Pcm {
  const tone = (hz: number, ms: number) => {
    const n = Math.round((sampleRate * ms) / 1000);
    const fade = Math.round(sampleRate * 0.01);
    return Float32Array.from({ length: n }, (_, i) => {
      const edge = Math.min(1, i / fade, (n - i) / fade);
      return 0.25 * edge * Math.sin((2 * Math.PI * hz * i) / sampleRate);
    });
  };
  const a = tone(660, 90);
  const b = tone(880, 110);
  const samples = new Float32Array(a.length + b.length);
  samples.set(a);
  samples.set(b, a.length);
  return { samples, sampleRate };
}
