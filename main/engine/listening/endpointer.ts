import type { Config } from '../../contract/config.ts';
import { SAMPLE_RATE } from '../../contract/audio.ts';

export interface UtteranceSpan {
  /** Absolute sample indices (16 kHz) of the first and one-past-last speech sample. */
  start: number;
  end: number;
}

const RATE = SAMPLE_RATE;

/** What an early transcript said about the words so far: complete, or a phrase still going on. */
export type Verdict = 'complete' | 'unfinished';

/**
 * Decides where an utterance ends. The VAD reports speech stretches; people pause inside a
 * sentence, so stretches closer than the silence limit belong together. The limit adapts:
 * short commands end quickly, longer speech gets more room to pause, and a noisy room
 * (high noise floor, where the VAD flickers) a little more. An early transcript of the words
 * so far refines it (`judge`): complete words end the utterance at once, an unfinished phrase
 * ("set a timer for…") gets `unfinished_silence_ms`, so a slow talker's next words join it.
 */
export class Endpointer {
  #open: UtteranceSpan | null = null;
  /** The verdict on the open utterance as it ended at `end` (void once more speech arrives). */
  #verdict: { end: number; verdict: Verdict } | null = null;
  /** Noise floor in dBFS, tracked from audio the VAD called silence. */
  #noiseDb = -70;

  constructor(private readonly voice: () => Config['voice']) {}

  get noiseFloorDb(): number {
    return this.#noiseDb;
  }

  /** The utterance still open (speech heard, its end not decided yet). */
  get open(): Readonly<UtteranceSpan> | null {
    return this.#open;
  }

  /** Silence (in samples) that ends the utterance open now. */
  silenceLimit(span: UtteranceSpan): number {
    const { min_silence_ms, max_silence_ms, unfinished_silence_ms } = this.voice();
    const speechS = (span.end - span.start) / RATE;
    const noisy = this.#noiseDb > -45 ? 150 : 0;
    let ms = Math.min(max_silence_ms, min_silence_ms + 100 * speechS + noisy);
    if (this.#verdictOn(span) === 'unfinished') ms = Math.max(ms, unfinished_silence_ms);
    return Math.round((ms * RATE) / 1000);
  }

  /** An early transcript of the open utterance, as it ended at `end`, judged its words. */
  judge(end: number, verdict: Verdict): void {
    if (this.#open?.end === end) this.#verdict = { end, verdict };
  }

  /** Feed a finished VAD stretch; returns an utterance that it closes, if any. */
  addSpeech(span: UtteranceSpan): UtteranceSpan | null {
    const open = this.#open;
    if (open && span.start - open.end <= this.silenceLimit(open)) {
      open.end = Math.max(open.end, span.end);
      return this.#tooLong(open) ? this.#close() : null;
    }
    // Too short to start an utterance (a click, a breath); tick() closes the open one when its silence runs out.
    if (span.end - span.start < (this.voice().min_speech_ms * RATE) / 1000) return null;
    this.#open = { ...span };
    return open;
  }

  /**
   * Called as audio flows: `now` is the newest sample index, `speaking` whether the VAD hears
   * speech, `rms` the level of the newest frame. Returns the utterance that ended, if any.
   */
  tick(now: number, speaking: boolean, rms: number): UtteranceSpan | null {
    if (!speaking && rms > 0) {
      const db = 20 * Math.log10(rms);
      this.#noiseDb += (db - this.#noiseDb) * (db > this.#noiseDb ? 0.02 : 0.1); // rises slowly, falls fast
    }
    const open = this.#open;
    if (!open || speaking) return null;
    if (this.#verdictOn(open) === 'complete') return this.#close();
    return now - open.end >= this.silenceLimit(open) ? this.#close() : null;
  }

  /** End of input: whatever is open is an utterance. */
  flush(): UtteranceSpan | null {
    return this.#close();
  }

  reset(): void {
    this.#close();
  }

  #verdictOn(span: UtteranceSpan): Verdict | null {
    return this.#verdict && this.#verdict.end === span.end && this.#open === span ? this.#verdict.verdict : null;
  }

  #tooLong(span: UtteranceSpan): boolean {
    return span.end - span.start >= this.voice().max_utterance_s * RATE;
  }

  #close(): UtteranceSpan | null {
    const open = this.#open;
    this.#open = null;
    this.#verdict = null;
    return open;
  }
}
