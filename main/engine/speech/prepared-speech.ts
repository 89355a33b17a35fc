import type { Pcm, Tts, TtsOptions } from '../stages.ts';

/**
 * A reply synthesised before the turn asks for it. When an early transcript names a read-only
 * command ("what time is it"), its reply sentence is known ~100 ms before the endpoint fires;
 * synthesising it then means the turn finds its audio ready. The turn speaks through
 * `synthesize`: the same words in the same voice get the prepared audio, anything else is
 * synthesised as usual. So a guess that was wrong (speech resumed, another speaker, the minute
 * changed) costs only the CPU it used, never a wrong reply.
 */
export class PreparedSpeech {
  /** One reply at a time: a newer guess replaces the older one. */
  #prepared: { key: string; audio: Promise<Pcm>; controller: AbortController } | null = null;

  constructor(private readonly inner: Pick<Tts, 'synthesize'>) {}

  /** What the turn speaks with: the prepared audio for the same words and voice, else the TTS itself. */
  synthesize(text: string, options: TtsOptions): Promise<Pcm> {
    return this.#take(text, options) ?? this.inner.synthesize(text, options);
  }

  /** Start synthesising `text` for the turn that is about to ask for it. */
  prepare(text: string, options: Omit<TtsOptions, 'signal'>): void {
    const key = keyOf(text, options);
    if (this.#prepared?.key === key) return;
    this.discard();
    const controller = new AbortController();
    const audio = this.inner.synthesize(text, { ...options, signal: controller.signal });
    audio.catch(() => undefined); // a failed or discarded guess is only a missed head start: #take synthesises again
    this.#prepared = { key, audio, controller };
  }

  /** Drop the prepared reply (a newer one, the engine going away). */
  discard(): void {
    this.#prepared?.controller.abort();
    this.#prepared = null;
  }

  /** The prepared audio when these are its words and voice (used once), else undefined. */
  #take(text: string, options: TtsOptions): Promise<Pcm> | undefined {
    const prepared = this.#prepared;
    if (!prepared || prepared.key !== keyOf(text, options)) return undefined;
    this.#prepared = null;
    const { signal } = options;
    const onAbort = () => prepared.controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    return prepared.audio
      .catch(() => this.inner.synthesize(text, options))
      .finally(() => signal?.removeEventListener('abort', onAbort));
  }
}

function keyOf(text: string, { voice, speed, language }: Omit<TtsOptions, 'signal'>): string {
  return JSON.stringify([text.trim(), voice, speed, language]);
}
