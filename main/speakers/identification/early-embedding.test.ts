import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../contract/config.ts';
import { EventBus } from '../../engine/events/event-bus.ts';
import type { Pcm, SpeakerEmbedder } from '../../engine/stages.ts';
import { openSqliteStore } from '../../store/sqlite-store.ts';
import { SpeakerIdentification } from './speaker-identification.ts';
import { tagPrint } from './voice-prints.ts';

const RATE = 16000;
/** `voiced` seconds of a 200 Hz "voice" after 0.3 s of room quiet, then `quiet` seconds of it. */
function utterance(voiced: number, quiet: number): Float32Array {
  const lead = Math.round(0.3 * RATE);
  const out = new Float32Array(lead + Math.round((voiced + quiet) * RATE));
  for (let i = 0; i < out.length; i += 1) out[i] = 1e-4 * Math.sin(i); // room noise, far below the voice
  for (let i = 0; i < voiced * RATE; i += 1) out[lead + i] = 0.3 * Math.sin((2 * Math.PI * 200 * i) / RATE);
  return out;
}
const pcm = (samples: Float32Array): Pcm => ({ samples, sampleRate: RATE });

describe('speaker identification started at the early transcript', () => {
  function setup() {
    const store = openSqliteStore(':memory:');
    const embedded: number[] = [];
    // A stand-in speaker model that notes the length of every clip it embeds; every print is Anna's.
    const embedder: SpeakerEmbedder = {
      name: 'stand-in',
      model: 'test-model',
      dimension: 4,
      embed: async (audio) => {
        embedded.push(audio.samples.length);
        return Float32Array.of(0.6, 0.8, 0, 0);
      },
      dispose: () => undefined,
    };
    const anna = store.speakers.create({ name: 'Anna', priority: 0, embedding: Float32Array.of(0.6, 0.8, 0, 0), sample_count: 3 });
    tagPrint(store, anna.id, embedder.model);
    const id = new SpeakerIdentification({ store, bus: new EventBus(), config: () => DEFAULT_CONFIG, embedder: () => embedder });
    return { id, embedded };
  }

  it('the turn takes the print made early for the same audio: the model runs once', async () => {
    const { id, embedded } = setup();
    const whole = utterance(1.5, 0.1);
    id.prepare(pcm(whole));
    expect(await id.identify(pcm(Float32Array.from(whole)))).toMatchObject({ name: 'Anna' });
    expect(embedded).toHaveLength(1);
    // Used once: the next turn with the same audio runs the model again.
    await id.identify(pcm(whole));
    expect(embedded).toHaveLength(2);
  });

  it('other audio (the voice went on after the early transcript): the turn embeds its own', async () => {
    const { id, embedded } = setup();
    const whole = utterance(2, 0.1);
    id.prepare(pcm(whole.subarray(0, Math.round((0.3 + 1.2) * RATE))));
    expect(await id.identify(pcm(whole))).toMatchObject({ name: 'Anna' });
    expect(embedded).toHaveLength(2);
    expect(embedded[1]).toBeGreaterThan(embedded[0]!);
  });
});
