import type { SpeechSegment, Vad } from '../../engine/stages.ts';
import { KiwiError } from '../../platform/errors.ts';
import type { PreparedAudio } from './audio-prep.ts';
import { nextTurn } from './sliced.ts';

/**
 * A clip must hold at least this much speech to the VAD, making up at least this share of it
 * (silence around it cut off). Music or a TV passes the energy check of enrolmentClip (loud, not
 * steady), yet a print made from it describes no voice. Measured with Silero VAD: spoken sentences
 * and one-second commands (espeak-ng and Kokoro voices) 0.86-0.98 speech, a sox chord melody 0.00.
 * Low on purpose: a 5 s take that caught the end and the start of a phrase with a pause between
 * (the dashboard records fixed 5 s takes; people pause) holds 0.9 s of speech, 18 %, and is a voice.
 */
export const MIN_SPEECH = { seconds: 0.5, share: 0.15 } as const;

/** The VAD is fed this much at a time, with a turn of the event loop between: a 30 s clip must not hold it (sliced.ts). */
const CHUNK = 8000;

/** Seconds the VAD hears as speech in the clip: a fresh detector (fork) so the listening loop's state is untouched. */
export async function speechSeconds(vad: Vad, threshold: number, audio: PreparedAudio): Promise<number> {
  const detector = vad.fork(threshold);
  try {
    const segments: SpeechSegment[] = [];
    for (let at = 0; at < audio.samples.length; at += CHUNK) {
      segments.push(...detector.accept(audio.samples.subarray(at, at + CHUNK)));
      await nextTurn();
    }
    segments.push(...detector.flush());
    return segments.reduce((n, s) => n + s.samples.length / s.sampleRate, 0);
  } finally {
    detector.dispose();
  }
}

/** 400 not_speech naming how much speech the clip has and how much it needs. */
export async function refuseNonSpeech(vad: Vad, threshold: number, audio: PreparedAudio, label: string): Promise<void> {
  const seconds = audio.samples.length / audio.sampleRate;
  const speech = await speechSeconds(vad, threshold, audio);
  const share = seconds > 0 ? speech / seconds : 0;
  if (speech >= MIN_SPEECH.seconds && share >= MIN_SPEECH.share) return;
  throw new KiwiError(
    'not_speech',
    `${label}: only ${speech.toFixed(2)} s of speech in ${seconds.toFixed(2)} s of sound (${Math.round(share * 100)} %); ` +
      `each clip needs at least ${MIN_SPEECH.seconds} s of speech, making up at least ${Math.round(MIN_SPEECH.share * 100)} % of it (music and other sounds are not a voice)`,
    400,
  );
}
