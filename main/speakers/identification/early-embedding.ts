import type { SpeakerEmbedder } from '../../engine/stages.ts';
import type { PreparedAudio } from './audio-prep.ts';

/**
 * A voice print started before the turn asks for it. When an early transcript names a command
 * (~200 ms before the endpoint), the voice loop identifies the turn's speaker on that transcript's
 * audio: embedding it right then takes speaker ID (10–40 ms here) off the path to the reply. The
 * turn takes the print only for the very same audio, so it is exactly the print it would compute.
 */
export class EarlyEmbedding {
  #early: { model: string; samples: Float32Array; embedding: Promise<Float32Array>; controller: AbortController } | null = null;

  /** Start embedding `audio` (one at a time: a newer one replaces the older, which is aborted). */
  start(embedder: SpeakerEmbedder, audio: PreparedAudio): void {
    this.#early?.controller.abort();
    const controller = new AbortController();
    const embedding = embedder.embed(audio, controller.signal);
    embedding.catch(() => undefined); // a failed head start is only missed: the turn embeds again
    this.#early = { model: embedder.model, samples: audio.samples, embedding, controller };
  }

  /** The early print when it is of this same audio and model (used once), else null. */
  take(embedder: SpeakerEmbedder, audio: PreparedAudio): Promise<Float32Array> | null {
    const early = this.#early;
    this.#early = null;
    if (!early) return null;
    if (early.model === embedder.model && sameSamples(early.samples, audio.samples)) return early.embedding;
    early.controller.abort();
    return null;
  }
}

function sameSamples(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}
