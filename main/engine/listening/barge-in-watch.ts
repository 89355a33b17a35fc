import { SAMPLE_RATE } from '../../contract/audio.ts';
import type { Vad } from '../stages.ts';

/** Speech over Kiwi's own voice must last this long to count as barge-in (a cough does not). */
const BARGE_IN_SAMPLES = 0.25 * SAMPLE_RATE;

/** Listens for the user over Kiwi's own voice, with a stricter VAD: sustained speech is a barge-in. */
export class BargeInWatch {
  #speech = 0;

  constructor(private readonly vad: Vad) {}

  /** Audio heard now, and whether Kiwi is speaking (only then is it watched); true: the user barged in. */
  accept(samples: Float32Array, kiwiSpeaking: boolean): boolean {
    if (!kiwiSpeaking) {
      this.#speech = 0;
      return false;
    }
    this.vad.accept(samples);
    this.#speech = this.vad.speaking ? this.#speech + samples.length : 0;
    if (this.#speech < BARGE_IN_SAMPLES) return false;
    this.#speech = 0;
    this.vad.reset();
    return true;
  }

  dispose(): void {
    this.vad.dispose();
  }
}
