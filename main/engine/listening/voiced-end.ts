import { SAMPLE_RATE } from '../../contract/audio.ts';

/** 10 ms frames: fine enough for a latency origin, coarse enough that one click is not a voice. */
const FRAME = SAMPLE_RATE / 100;
/** A frame this far below the loudest one is not voice (the VAD's hang-over, the room). */
const BELOW_PEAK_DB = 35;
/** Quieter than this is silence however quiet the whole utterance is (-80 dBFS). */
const ABSOLUTE_FLOOR = 1e-4;

/**
 * Samples of silence at the end of an utterance. The VAD closes a stretch some 50–100 ms after
 * the voice really stopped (Silero's hang-over), so its end is not where a person stopped
 * talking; the latency they feel counts from the last voiced sound. Nothing voiced: 0 (the VAD's end stands).
 */
export function trailingSilence(samples: Float32Array): number {
  const frames = Math.floor(samples.length / FRAME);
  if (frames === 0) return 0;
  const level = (f: number) => {
    let sum = 0;
    for (let i = f * FRAME; i < (f + 1) * FRAME; i += 1) sum += samples[i]! * samples[i]!;
    return Math.sqrt(sum / FRAME);
  };
  let peak = 0;
  for (let f = 0; f < frames; f += 1) peak = Math.max(peak, level(f));
  const floor = Math.max(ABSOLUTE_FLOOR, peak * 10 ** (-BELOW_PEAK_DB / 20));
  let last = frames - 1;
  while (last >= 0 && level(last) < floor) last -= 1;
  return last < 0 ? 0 : samples.length - (last + 1) * FRAME;
}
