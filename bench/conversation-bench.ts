import os from 'node:os';
import path from 'node:path';
import { DEFAULT_CONFIG, type Config } from '../main/contract/config.ts';
import { ConversationContext } from '../main/dialogue/conversation-context.ts';
import { createLlmTurn } from '../main/dialogue/llm-turn.ts';
import { AudioHub } from '../main/engine/audio/audio-hub.ts';
import { Engine } from '../main/engine/engine.ts';
import { EventBus } from '../main/engine/events/event-bus.ts';
import type { TurnHandler, TurnResult } from '../main/engine/listening/turn.ts';
import { loadCatalog } from '../main/engine/models/catalog.ts';
import { concat, silence, speak } from '../main/engine/models/testing/speech.ts';
import { buildParts } from '../main/engine/parts.ts';
import { createLlm } from '../main/llm/factory.ts';
import { resourcesDir } from '../main/platform/paths.ts';
import { SoulRegistry } from '../main/souls/soul-registry.ts';
import { LlmStandin } from '../main/testing/llm-standins.ts';
import { percentile } from './kiwi-process.ts';
import { fixturesDir } from './voice-bench.ts';

const TURNS = 4;
/** About one SSE `data:` event of the stand-in per write, so words arrive one by one. */
const SSE_EVENT_BYTES = 150;
const ANSWER = [
  'Penguins live almost only in the southern half of the world. ',
  'They cannot fly, but they swim very fast under water. ',
  'Emperor penguins keep their eggs warm on their feet through the long winter. ',
  'Most of them eat fish, squid and krill.',
];

/**
 * End of speech → first reply audio with an LLM of fixed pace (an OpenAI-compatible stand-in on
 * loopback writing about a word every 75 ms), speaking each sentence as it is written vs. waiting
 * for the whole answer before speaking.
 */
export async function runConversationBench() {
  const modelsDir = fixturesDir();
  const llmServer = await LlmStandin.start('openai');
  const config: Config = {
    ...DEFAULT_CONFIG,
    wake_word_engine: 'text',
    tts_provider: 'piper',
    llm: { ...DEFAULT_CONFIG.llm, provider: 'openai', base_url: llmServer.baseUrl, model: 'standin' },
  };
  const built = await buildParts({ config, modelsDir, catalog: await loadCatalog() });
  const bus = new EventBus((err) => console.error(err));
  const registry = await SoulRegistry.load(path.join(resourcesDir, 'souls'), path.join(os.tmpdir(), 'kiwi-bench-no-souls'));
  const soul = registry.get('default')!;
  const llm = createLlm(() => config.llm)!;
  const llmTurn = createLlmTurn({
    llm: () => llm,
    composePrompt: (s, ctx) => registry.composePrompt(s, ctx),
    modelFor: () => 'standin',
    context: new ConversationContext(bus),
    bus,
  });
  const streaming: TurnHandler = (request) => llmTurn(request, soul);
  const wholeAnswer: TurnHandler = async (request) => {
    const answer = await llmTurn(request, soul);
    const sentences: string[] = [];
    for await (const sentence of answer.reply ?? []) sentences.push(sentence);
    return { command: answer.command, reply: sentences };
  };
  const clip = concat(silence(0.5), speak('Kiwi, tell me about penguins.'), silence(1.5));

  async function measure(handler: TurnHandler) {
    const hub = new AudioHub();
    hub.addSink({ id: 'bench', play: async (audio) => new Promise((r) => setTimeout(r, (audio.samples.length / audio.sampleRate) * 1000)) });
    const engine = new Engine({ config: () => config, bus, hub, built, handler });
    engine.start();
    const firsts: number[] = [];
    const transcripts: number[] = [];
    for (let i = 0; i < TURNS; i++) {
      llmServer.reply({ kind: 'stream', tokens: ANSWER.join('').split(/(?<= )/), chunkBytes: [SSE_EVENT_BYTES], delayMs: 75 });
      const results: TurnResult[] = [];
      const off = engine.onResult((r) => results.push(r));
      const session = engine.listen(`bench:${i}`, { awaitTurns: true });
      for (let at = 0; at < clip.length; at += 1600) await session.push(clip.subarray(at, at + 1600));
      await engine.endSource(`bench:${i}`);
      off();
      const answered = results.find((r) => r.reply);
      if (process.env.KIWI_BENCH_DEBUG) console.log(JSON.stringify(results));
      if (answered?.timings_ms.first_audio !== undefined) firsts.push(answered.timings_ms.first_audio);
      if (answered?.timings_ms.transcript !== undefined) transcripts.push(answered.timings_ms.transcript);
    }
    engine.dispose = () => undefined; // the parts are shared by both runs and freed at the end
    return { firsts: firsts.sort((a, b) => a - b), transcripts: transcripts.sort((a, b) => a - b) };
  }

  try {
    const { firsts: stream, transcripts } = await measure(streaming);
    const { firsts: whole } = await measure(wholeAnswer);
    return {
      transcript_ms_median: percentile(transcripts, 50),
      llm: 'OpenAI-compatible SSE stand-in on loopback: about one word every 75 ms (the first sentence after ~0.8 s, the whole answer after ~3 s)',
      turns: TURNS,
      first_audio_ms_median_streaming: percentile(stream, 50),
      first_audio_ms_median_whole_answer: percentile(whole, 50),
      ratio_whole_to_streaming: Math.round((percentile(whole, 50) / percentile(stream, 50)) * 100) / 100,
      note: 'end of speech → first reply audio; STT is Whisper tiny.en, TTS Piper, both on this machine',
    };
  } finally {
    for (const part of Object.values(built.parts)) part?.dispose?.();
    await llmServer.close();
  }
}
