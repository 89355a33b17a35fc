import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../contract/config.ts';
import type { Engine } from '../engine/engine.ts';
import type { Pcm, Tts, TtsOptions } from '../engine/stages.ts';
import { runtimeStages, type IntegrationHost } from './runtime-adapter.ts';
import { infoEvent } from './wyoming/info.ts';
import { synthesize } from './wyoming/sessions.ts';
import type { WyomingEvent } from './wyoming/framing.ts';

/** A voice model with several voices, as Kokoro is: which one speaks is chosen by name. */
function manyVoices(asked: TtsOptions[]): Tts {
  const voices = ['af_heart', 'af_bella', 'am_adam'];
  return {
    name: 'sherpa',
    model: 'tts-kokoro-multi',
    synthesize: (_text: string, options: TtsOptions): Promise<Pcm> => {
      asked.push(options);
      return Promise.resolve({ samples: new Float32Array(2400), sampleRate: 24000 });
    },
    pickVoice: (voice: string) => ({ voices, speaking: voices.includes(voice) ? voice : voices[0]!, note: null }),
    dispose: () => undefined,
  };
}

function host(tts: Tts): IntegrationHost {
  return {
    config: { current: { ...DEFAULT_CONFIG, tts_voice: 'af_heart' } },
    engine: { parts: { tts } } as unknown as Engine,
    models: { list: () => Promise.resolve([{ id: tts.model, installed: true, languages: ['en'] }]) },
  } as unknown as IntegrationHost;
}

describe("Kiwi's stages as the Wyoming service sees them", () => {
  it("offers every voice of a multi-voice model as a speaker, and speaks with the one Home Assistant picks", async () => {
    const asked: TtsOptions[] = [];
    const stages = runtimeStages(host(manyVoices(asked)));
    const info = await infoEvent(stages);
    const [program] = info.data.tts as Array<{ voices: Array<{ name: string; speakers: Array<{ name: string }> }> }>;
    expect(program!.voices).toEqual([expect.objectContaining({ name: 'tts-kokoro-multi', speakers: [{ name: 'af_heart' }, { name: 'af_bella' }, { name: 'am_adam' }] })]);

    const sent: WyomingEvent[] = [];
    await synthesize(stages, { text: 'Hello there', voice: { name: 'tts-kokoro-multi', speaker: 'am_adam' } }, (event) => sent.push(event));
    expect(asked).toEqual([expect.objectContaining({ voice: 'am_adam' })]);
    expect(sent[0]).toMatchObject({ type: 'audio-start', data: { rate: 24000 } });
  });
});
