import { StreamResampler } from '../../engine/audio/resampler.ts';
import type { Pcm } from '../../engine/stages.ts';

/**
 * Enrolment uploads are up to 8 MiB: checking, decoding and resampling one in a single go held
 * the event loop for a few hundred milliseconds (audio, the API and the dashboard all wait).
 * The work is cut into slices of about this many samples (or base64 characters), with a turn of
 * the event loop between them: each slice takes a few milliseconds.
 */
export const SLICE = 256 * 1024;

/** Let timers, I/O and other requests run before going on. */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** `resampleTo`, a slice at a time (the resampler keeps its state across slices: the result is the same). */
export async function resampleSliced(audio: Pcm, rate: number): Promise<Float32Array> {
  if (audio.sampleRate === rate) return audio.samples;
  const resampler = new StreamResampler(audio.sampleRate, rate);
  const parts: Float32Array[] = [];
  for (let at = 0; at < audio.samples.length; at += SLICE) {
    parts.push(resampler.resample(audio.samples.subarray(at, at + SLICE)));
    await nextTurn();
  }
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
