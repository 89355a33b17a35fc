import type { WakeDetection } from '../stages.ts';
import type { EarlyTranscript } from './early-transcript.ts';

/** One utterance as a listening session hands it on: its audio, where it lies, and what was decided while listening. */
export interface Utterance {
  sourceId: string;
  samples: Float32Array;
  /** Absolute sample indices of the speech (without pre-roll). */
  start: number;
  end: number;
  /** The acoustic wake word heard in or just before this utterance. */
  wake: WakeDetection | null;
  /** Wall-clock time the end of speech was decided (for the latency waterfall). */
  endedAt: number;
  /** performance.now() when the frame with the last voiced sample arrived (the waterfall's origin; the VAD's end is later). */
  lastVoicedAt: number;
  /** performance.now() when the end of speech was decided. */
  endpointAt: number;
  /** The final text of a streaming recognizer that followed this utterance live, if one did. */
  streamedText?: string;
  /** The transcript begun ahead of the endpoint on these samples, less some of the quiet after the voice (running or done). */
  early?: EarlyTranscript;
  /** Ended at its early transcript, before the VAD closed (voice.provisional_end): words that follow soon may join it. */
  provisional?: true;
  /** A provisional utterance whose command may act: whether its words stand, once the endpoint says (TurnRequest.settled). */
  settled?: Promise<boolean>;
  /** The words that followed a provisional utterance, joined to it: its span starts at the provisional one's start. */
  joined?: true;
}
