import { joinPcm } from '../audio/pcm.ts';
import type { Pcm, Tts, TtsOptions } from '../stages.ts';
import { BufferedChunks } from './buffered-chunks.ts';

interface Prepared {
  key: string;
  audio: BufferedChunks<Pcm>;
  controller: AbortController;
}

/**
 * A reply synthesised before the turn asks for it. When an early transcript names a read-only
 * command ("what time is it"), its reply sentence is known ~100 ms before the endpoint fires;
 * synthesising it then means the turn finds its audio ready (or, from a streaming voice, its
 * first pieces). The turn speaks through `stream` / `synthesize`: the same words in the same
 * voice get the prepared audio, anything else is synthesised as usual. So a guess that was wrong
 * (speech resumed, another speaker, the minute changed) costs only the CPU it used, never a wrong
 * reply.
 */
export class PreparedSpeech implements Pick<Tts, 'synthesize' | 'stream'> {
  /** One reply at a time: a newer guess replaces the older one. */
  #prepared: Prepared | null = null;

  constructor(private readonly inner: Pick<Tts, 'synthesize' | 'stream'>) {}

  /** The whole reply: the prepared audio for the same words and voice, else the TTS itself. */
  async synthesize(text: string, options: TtsOptions): Promise<Pcm> {
    const pieces: Pcm[] = [];
    for await (const piece of this.stream(text, options)) pieces.push(piece);
    return joinPcm(pieces);
  }

  /** The reply in pieces as they are made: the prepared ones for the same words and voice, else the TTS's own. */
  async *stream(text: string, options: TtsOptions): AsyncGenerator<Pcm> {
    const prepared = this.#take(text, options);
    if (!prepared) return yield* this.#fresh(text, options);
    const { signal } = options;
    const onAbort = () => prepared.controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    let played = false;
    try {
      signal?.throwIfAborted();
      for await (const piece of prepared.audio.read()) {
        played = true;
        yield piece;
      }
    } catch (err) {
      // A failed guess is only a missed head start, unless some of it was already played or the turn stopped.
      if (played || signal?.aborted) throw err;
      yield* this.#fresh(text, options);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Start synthesising `text` for the turn that is about to ask for it. */
  prepare(text: string, options: Omit<TtsOptions, 'signal'>): void {
    const key = keyOf(text, options);
    if (this.#prepared?.key === key) return;
    this.discard();
    const controller = new AbortController();
    const audio = new BufferedChunks(this.#fresh(text, { ...options, signal: controller.signal }));
    this.#prepared = { key, audio, controller };
  }

  /** Drop the prepared reply (a newer one, the engine going away). */
  discard(): void {
    this.#prepared?.controller.abort();
    this.#prepared = null;
  }

  /** The prepared reply when these are its words and voice, used once. */
  #take(text: string, options: TtsOptions): Prepared | undefined {
    const prepared = this.#prepared;
    if (!prepared || prepared.key !== keyOf(text, options)) return undefined;
    this.#prepared = null;
    return prepared;
  }

  /** The TTS's own pieces, or its whole audio as one piece for a voice that does not stream. */
  async *#fresh(text: string, options: TtsOptions): AsyncGenerator<Pcm> {
    if (this.inner.stream) yield* this.inner.stream(text, options);
    else yield await this.inner.synthesize(text, options);
  }
}

function keyOf(text: string, { voice, speed, language }: Omit<TtsOptions, 'signal'>): string {
  return JSON.stringify([text.trim(), voice, speed, language]);
}
