import type { Pcm, Tts, TtsOptions } from '../stages.ts';
import { BufferedChunks } from './buffered-chunks.ts';

export interface SpokenReply {
  text: string;
  /** ms from the call to the first audio handed to the sinks; null when nothing was spoken. */
  firstAudioMs: number | null;
}

/**
 * Speak sentences as they arrive: sentence n+1 is synthesized while sentence n plays, so the
 * first sentence is heard while later ones (or the LLM) are still being written. Synthesis
 * runs one sentence at a time (a TTS instance is not re-entrant); playback is in order. A voice
 * that streams is played from its first piece, while the rest of the sentence is synthesised.
 * Aborting the signal stops synthesis and playback together.
 */
export async function speakSentences(
  sentences: AsyncIterable<string> | Iterable<string>,
  tts: Pick<Tts, 'synthesize' | 'stream'>,
  options: Omit<TtsOptions, 'signal'>,
  play: (audio: Pcm | AsyncIterable<Pcm>, signal: AbortSignal) => Promise<void>,
  signal: AbortSignal,
  onFirstAudio?: () => void,
): Promise<SpokenReply> {
  const t0 = performance.now();
  const spoken: string[] = [];
  let firstAudioMs: number | null = null;
  let synthesis: Promise<unknown> = Promise.resolve();
  let playback: Promise<void> = Promise.resolve();
  let failed = false;
  for await (const sentence of sentences) {
    signal.throwIfAborted();
    if (failed) break; // a sentence could not be spoken: stop asking for more, report below
    if (!sentence.trim()) continue;
    spoken.push(sentence.trim());
    const audio = synthesis.then(() => speak(tts, sentence, { ...options, signal }));
    // The next sentence waits until this one is synthesised; the playback chain below reports a failure.
    synthesis = audio.then((pcm) => ('samples' in pcm ? undefined : pcm.ended)).catch(() => undefined);
    playback = playback.then(async () => {
      const pcm = await audio;
      if (!('samples' in pcm)) await pcm.first();
      signal.throwIfAborted();
      if (firstAudioMs === null) {
        firstAudioMs = performance.now() - t0;
        onFirstAudio?.();
      }
      await play('samples' in pcm ? pcm : pcm.read(), signal);
    });
    playback.catch(() => (failed = true));
  }
  await playback;
  return { text: spoken.join(' '), firstAudioMs };
}

/** A streaming voice's pieces (read from the start by whoever plays them), else the whole sentence. */
async function speak(tts: Pick<Tts, 'synthesize' | 'stream'>, sentence: string, options: TtsOptions): Promise<Pcm | BufferedChunks<Pcm>> {
  return tts.stream ? new BufferedChunks(tts.stream(sentence, options)) : tts.synthesize(sentence, options);
}
