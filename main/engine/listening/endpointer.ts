import type { Config } from '../../contract/config.ts';

export interface UtteranceSpan {
  /** Absolute sample indices (16 kHz) of the first and one-past-last speech sample. */
  start: number;
  end: number;
}

const RATE = 16000;

/**
 * Decides where an utterance ends. The VAD reports speech stretches; people pause inside a
 * sentence, so stretches closer than the silence limit belong together. The limit adapts:
 * short commands end quickly, longer speech gets more room to pause, and a noisy room
 * (high noise floor, where the VAD flickers) a little more.
 */
export class Endpointer {
  #open: UtteranceSpan | null = null;
  /** Noise floor in dBFS, tracked from audio the VAD called silence. */
  #noiseDb = -70;

  constructor(private readonly voice: () => Config['voice']) {}

  get noiseFloorDb(): number {
    return this.#noiseDb;
  }

  /** Silence (in samples) that ends the utterance open now. */
  silenceLimit(span: UtteranceSpan): number {
    const { min_silence_ms, max_silence_ms } = this.voice();
    const speechS = (span.end - span.start) / RATE;
    const noisy = this.#noiseDb > -45 ? 150 : 0;
    const ms = Math.min(max_silence_ms, min_silence_ms + 100 * speechS + noisy);
    return Math.round((ms * RATE) / 1000);
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
    return now - open.end >= this.silenceLimit(open) ? this.#close() : null;
  }

  /** End of input: whatever is open is an utterance. */
  flush(): UtteranceSpan | null {
    return this.#close();
  }

  reset(): void {
    this.#open = null;
  }

  #tooLong(span: UtteranceSpan): boolean {
    return span.end - span.start >= this.voice().max_utterance_s * RATE;
  }

  #close(): UtteranceSpan | null {
    const open = this.#open;
    this.#open = null;
    return open;
  }
}
