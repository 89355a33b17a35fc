import type { Pcm, Tts, TtsOptions } from '../stages.ts';

export interface SpokenReply {
  text: string;
  /** ms from the call to the first audio handed to the sinks; null when nothing was spoken. */
  firstAudioMs: number | null;
}

/**
 * Speak sentences as they arrive: sentence n+1 is synthesized while sentence n plays, so the
 * first sentence is heard while later ones (or the LLM) are still being written. Synthesis
 * runs one sentence at a time (a TTS instance is not re-entrant); playback is in order.
 * Aborting the signal stops synthesis and playback together.
 */
export async function speakSentences(
  sentences: AsyncIterable<string> | Iterable<string>,
  tts: Pick<Tts, 'synthesize'>,
  options: Omit<TtsOptions, 'signal'>,
  play: (audio: Pcm, signal: AbortSignal) => Promise<void>,
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
    const audio = synthesis.then(() => tts.synthesize(sentence, { ...options, signal }));
    synthesis = audio.catch(() => undefined); // the playback chain below reports the failure
    playback = playback.then(async () => {
      const pcm = await audio;
      signal.throwIfAborted();
      if (firstAudioMs === null) {
        firstAudioMs = performance.now() - t0;
        onFirstAudio?.();
      }
      await play(pcm, signal);
    });
    playback.catch(() => (failed = true));
  }
  await playback;
  return { text: spoken.join(' '), firstAudioMs };
}
