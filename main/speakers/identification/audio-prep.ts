import { decodeWav, resampleTo } from '../../engine/audio/wav.ts';
import type { Pcm } from '../../engine/stages.ts';
import { KiwiError } from '../../platform/errors.ts';
import { SAMPLE_RATE } from '../../contract/audio.ts';
import { nextTurn, resampleSliced, SLICE } from './sliced.ts';

const RATE = SAMPLE_RATE;
const FRAME = 480; // 30 ms
/** Frames quieter than this below the loudest one are silence (room noise, the VAD's pre-roll). */
const RELATIVE_FLOOR_DB = -40;
/** Voice stands at least this far above the room's noise (the quietest tenth of the frames). */
const ABOVE_NOISE_DB = 12;
/** Anything quieter than this is silence however quiet the whole clip is (≈ -70 dBFS). */
const ABSOLUTE_FLOOR = 1e-7;
/** Kept around the voiced part so consonants at the edges survive. */
const MARGIN_FRAMES = 3;

/** A clip ready for the speaker model: 16 kHz, leading and trailing silence cut off. */
export interface PreparedAudio extends Pcm {
  /** Seconds from the first to the last voiced frame. */
  speechSeconds: number;
}

/**
 * 16 kHz audio with the silence before and after the voice removed. Voice prints describe the
 * voice, not the room: a listening segment carries up to a second of pre-roll and end-of-speech
 * silence, which pulls every embedding towards "silence" and makes voices look alike.
 */
export function prepareAudio(audio: Pcm): PreparedAudio {
  return trimSilence(resampleTo(audio, RATE).samples);
}

/** 16 kHz samples with the silence before and after the voice cut off (see prepareAudio). */
function trimSilence(samples: Float32Array): PreparedAudio {
  const frames = Math.floor(samples.length / FRAME);
  const energy = new Float64Array(frames);
  let peak = 0;
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let i = f * FRAME; i < (f + 1) * FRAME; i++) sum += samples[i]! * samples[i]!;
    energy[f] = sum / FRAME;
    peak = Math.max(peak, energy[f]!);
  }
  // Steady noise (a fan, hiss) is as loud at the edges as in the middle: it is not a voice.
  const noise = [...energy].sort((a, b) => a - b)[Math.floor(frames / 10)] ?? 0;
  const floor = Math.max(ABSOLUTE_FLOOR, peak * 10 ** (RELATIVE_FLOOR_DB / 10), noise * 10 ** (ABOVE_NOISE_DB / 10));
  let first = -1;
  let last = -1;
  for (let f = 0; f < frames; f++) {
    if (energy[f]! <= floor) continue;
    if (first < 0) first = f;
    last = f;
  }
  if (first < 0) return { samples: new Float32Array(0), sampleRate: RATE, speechSeconds: 0 };
  const from = Math.max(0, first - MARGIN_FRAMES) * FRAME;
  const to = Math.min(samples.length, (last + 1 + MARGIN_FRAMES) * FRAME);
  return { samples: samples.slice(from, to), sampleRate: RATE, speechSeconds: ((last - first + 1) * FRAME) / RATE };
}

/** Limits for enrolment clips. */
export const CLIP_LIMITS = {
  /** Less voice than this does not describe a voice reliably. */
  minSpeechSeconds: 1,
  /** Longer clips add little and cost time on a small machine. */
  maxSeconds: 30,
} as const;

/** WAV bytes (any PCM/float format, rate, channels) as audio; errors name the clip (`label`). */
export function decodeClip(bytes: Uint8Array, label: string): Pcm {
  try {
    return decodeWav(bytes);
  } catch (err) {
    if (err instanceof KiwiError) throw new KiwiError(err.code, `${label}: ${err.message}`, 400);
    throw err;
  }
}

/**
 * An enrolment clip checked and ready for the speaker model: not longer than 30 s, with at
 * least a second of voice once the silence around it is cut off. Resampled in slices: a long
 * clip at 48 kHz must not hold the event loop (sliced.ts).
 */
export async function enrolmentClip(audio: Pcm, label: string): Promise<PreparedAudio> {
  const seconds = audio.samples.length / audio.sampleRate;
  if (seconds > CLIP_LIMITS.maxSeconds) {
    throw new KiwiError('audio_too_long', `${label}: ${seconds.toFixed(1)} s is longer than ${CLIP_LIMITS.maxSeconds} s; send shorter clips`, 400);
  }
  const prepared = trimSilence(await resampleSliced(audio, RATE));
  if (prepared.speechSeconds < CLIP_LIMITS.minSpeechSeconds) {
    // Steady sound (a fan, hiss, a held tone) is cut off like silence: say so, a noisy clip is not "silent" to whoever recorded it.
    const heard = prepared.speechSeconds === 0 ? 'only silence or steady noise' : `only ${prepared.speechSeconds.toFixed(2)} s of voice`;
    throw new KiwiError('audio_too_short', `${label}: ${heard}; each clip needs at least ${CLIP_LIMITS.minSpeechSeconds} s of speech`, 400);
  }
  return prepared;
}

const DATA_URL = /^data:audio\/[\w.+-]+;base64,/;

const BASE64_SLICE = /^[A-Za-z0-9+/]*$/;
const BASE64_END = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * WAV bytes from base64 (optionally a `data:audio/...;base64,` URL), strictly: no stray
 * characters. Checked and decoded a slice at a time (a multiple of 4 characters, so each slice
 * decodes on its own), with a turn of the event loop between slices.
 */
export async function base64Bytes(text: string, label: string): Promise<Buffer> {
  const body = text.replace(DATA_URL, '');
  const bad = () => new KiwiError('bad_audio', `${label}: not base64 (send each clip as a base64-encoded WAV file)`, 400);
  if (body.length === 0 || body.length % 4 === 1 || body.startsWith('=')) throw bad();
  const parts: Buffer[] = [];
  const step = SLICE * 4;
  for (let at = 0; at < body.length; at += step) {
    const slice = body.slice(at, at + step);
    if (!(at + step >= body.length ? BASE64_END : BASE64_SLICE).test(slice)) throw bad();
    parts.push(Buffer.from(slice, 'base64'));
    await nextTurn();
  }
  return Buffer.concat(parts);
}

/** Uploaded clips (base64 WAV, as the API takes them) as audio; a bad clip is a 400 naming it (audio[i]). */
export async function uploadedClips(audio: readonly string[]): Promise<Pcm[]> {
  const clips: Pcm[] = [];
  for (const [i, text] of audio.entries()) {
    const label = `audio[${i}]`;
    const bytes = await base64Bytes(text, label);
    clips.push(decodeClip(bytes, label));
    await nextTurn();
  }
  return clips;
}
