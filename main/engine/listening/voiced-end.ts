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
  const level = (f: number) => rmsLevel(samples, f * FRAME, (f + 1) * FRAME);
  let peak = 0;
  for (let f = 0; f < frames; f += 1) peak = Math.max(peak, level(f));
  let last = frames - 1;
  while (last >= 0 && level(last) < voiceFloor(peak)) last -= 1;
  return last < 0 ? 0 : samples.length - (last + 1) * FRAME;
}

/**
 * The same rule, live: where the last voiced 10 ms frame ended (absolute sample index), judged
 * against the loudest frame since `restart`. The VAD keeps calling it speech a few hundred ms
 * longer (hang-over plus its minimum silence); this knows sooner that the voice has stopped.
 */
export class VoicedEnd {
  #peak = 0;
  #end = 0;

  /** One past the last voiced sample so far. */
  get end(): number {
    return this.#end;
  }

  /** `samples` are the newest audio, ending at absolute index `end`. */
  push(samples: Float32Array, end: number): void {
    const from = end - samples.length;
    for (let at = 0; at < samples.length; at += FRAME) {
      const to = Math.min(samples.length, at + FRAME);
      const level = rmsLevel(samples, at, to);
      this.#peak = Math.max(this.#peak, level);
      if (level >= voiceFloor(this.#peak)) this.#end = from + to;
    }
  }

  /** A new utterance: its own loudness sets what counts as voice. */
  restart(): void {
    this.#peak = 0;
  }
}

/** The RMS level of `samples` from `from` to `to` (all of them by default). */
export function rmsLevel(samples: Float32Array, from = 0, to = samples.length): number {
  let sum = 0;
  for (let i = from; i < to; i += 1) sum += samples[i]! * samples[i]!;
  return Math.sqrt(sum / Math.max(1, to - from));
}

function voiceFloor(peak: number): number {
  return Math.max(ABSOLUTE_FLOOR, peak * 10 ** (-BELOW_PEAK_DB / 20));
}
