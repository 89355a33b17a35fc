import { SAMPLE_RATE } from '../../contract/audio.ts';
import type { Endpointer } from './endpointer.ts';
import { covers, type EarlyGuess, type Listening } from './early-transcript.ts';

/** Silence after the last voiced sound that ends complete words (the adaptive limit starts at 500 ms). */
const COMPLETE_SILENCE = 0.4 * SAMPLE_RATE;

/**
 * Once the VAD has closed the stretch an early transcript heard, its verdict counts; complete
 * words end the utterance after COMPLETE_SILENCE. Not sooner: the pause at a comma ("dime la
 * hora, por favor") is long enough to start a transcript, and the VAD closes a stretch there,
 * but the rest of the sentence follows within ~300 ms. The quiet counts from the voice's end, or
 * the VAD's where room noise keeps the voice's own measure from seeing silence.
 * `smartEndpoint`: voice.smart_endpoint (off: the verdict never moves the endpoint).
 */
export function judgeEarly(early: EarlyGuess | null, endpointer: Endpointer, now: Pick<Listening, 'now' | 'speaking' | 'voicedEnd'>, smartEndpoint: boolean): void {
  const open = endpointer.open;
  if (!early?.verdict || !open || now.speaking || !covers(early, open, now.voicedEnd) || !smartEndpoint) return;
  if (early.verdict === 'complete' && now.now - Math.min(now.voicedEnd, open.end) < COMPLETE_SILENCE) return;
  endpointer.judge(open.end, early.verdict);
}
