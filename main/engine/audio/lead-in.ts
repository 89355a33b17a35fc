import { SAMPLE_RATE } from '../../contract/audio.ts';

/**
 * Silence to put before audio that may start on the wake word: a recording trimmed to the first
 * word (`kiwi listen`), a stream a script sends to /api/audio. A microphone is on before anyone
 * speaks; the keyword spotter misses a word in its first moments. "Kiwi, what time is it?" at the
 * very start of the audio (espeak-ng) was found in 4 of 12 voices, after 0.3 s of silence in 12 of
 * 12 ("Jarvis, …" 0 → 9, "Computer, …" 7 → 12). Fed as it is, not to the spotter alone: its hits
 * depend on where the audio falls on its chunks, and the wake bench measures the spotter as it is.
 */
export const leadIn = (): Float32Array => new Float32Array(Math.round(0.3 * SAMPLE_RATE));
