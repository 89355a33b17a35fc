import { cosine, meanOfUnits } from './vectors.ts';

/** Replies embedded per voice before sampling slows down: enough for a stable print. */
const FIRST_SAMPLES = 6;
/** After that, one reply in this many refreshes the print (the voice may drift with speed or style). */
const REFRESH_EVERY = 10;
/** Recent reply embeddings kept per voice. */
const KEEP = 8;
/** Distinct voices remembered (model × TTS voice); the oldest is forgotten first. */
const MAX_VOICES = 4;

interface VoicePrints {
  samples: Float32Array[];
  print: Float32Array;
  offered: number;
}

/**
 * Kiwi's own voice, learned from its synthesized replies, so that the listening pipeline can
 * recognise (and ignore) Kiwi hearing itself through the speaker. Kept in memory per speaker
 * model and TTS voice: prints of another model or voice never match.
 */
export class SelfVoice {
  readonly #voices = new Map<string, VoicePrints>();

  /** Whether the next reply in `voice` should be embedded (cheap check before the model runs). */
  wants(voice: string): boolean {
    const known = this.#voices.get(voice);
    if (!known || known.samples.length < FIRST_SAMPLES) return true;
    return (known.offered + 1) % REFRESH_EVERY === 0;
  }

  /** Count a reply that was not embedded (see `wants`). */
  skipped(voice: string): void {
    const known = this.#voices.get(voice);
    if (known) known.offered += 1;
  }

  add(voice: string, embedding: Float32Array): void {
    let known = this.#voices.get(voice);
    if (!known) {
      if (this.#voices.size >= MAX_VOICES) this.#voices.delete(this.#voices.keys().next().value!);
      known = { samples: [], print: embedding, offered: 0 };
      this.#voices.set(voice, known);
    }
    known.offered += 1;
    known.samples.push(embedding);
    if (known.samples.length > KEEP) known.samples.shift();
    known.print = meanOfUnits(known.samples);
  }

  /** Similarity of `embedding` to Kiwi's voice `voice`; null when that voice was never heard. */
  score(voice: string, embedding: Float32Array): number | null {
    const known = this.#voices.get(voice);
    return known ? cosine(known.print, embedding) : null;
  }

  samples(voice: string): number {
    return this.#voices.get(voice)?.samples.length ?? 0;
  }
}
