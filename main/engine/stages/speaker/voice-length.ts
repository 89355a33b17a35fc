import { SAMPLE_RATE } from '../../../contract/audio.ts';
import { KiwiError } from '../../../platform/errors.ts';

/** Below this there is no voice to describe (a click, a cut-off syllable). */
const MIN_SAMPLES = 0.2 * SAMPLE_RATE;

/** Every speaker engine refuses the same too-short audio (16 kHz samples), with the same error. */
export function checkVoiceLength(samples: Float32Array): void {
  if (samples.length < MIN_SAMPLES) {
    throw new KiwiError('audio_too_short', `${(samples.length / SAMPLE_RATE).toFixed(2)} s of audio is too short to recognise a voice`, 400);
  }
}
