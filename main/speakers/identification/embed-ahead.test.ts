import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../contract/config.ts';
import type { EventEnvelope } from '../../contract/events.ts';
import { EventBus } from '../../engine/events/event-bus.ts';
import type { Pcm, SpeakerEmbedder } from '../../engine/stages.ts';
import { openSqliteStore } from '../../store/sqlite-store.ts';
import { SAMPLE_RATE } from '../../contract/audio.ts';
import { SpeakerIdentification } from './speaker-identification.ts';
import { tagPrint } from './voice-prints.ts';

// Embedding a voice ahead of the turn (on the early transcript's audio): the turn then only
// decides. The embedder is a stand-in that counts its calls and gives Anna's print: the model's
// own output is tested in identification.models.test.ts; here it is who embeds, when, and what
// happens before the turn decides.
const ANNA = Float32Array.of(1, 0, 0, 0);

function setup(embed: (audio: Pcm, signal?: AbortSignal) => Promise<Float32Array> = async () => ANNA) {
  const store = openSqliteStore(':memory:');
  const bus = new EventBus();
  const events: EventEnvelope[] = [];
  bus.subscribe((e) => events.push(e));
  const calls: string[] = [];
  const embedder: SpeakerEmbedder = {
    name: 'counting',
    model: 'test-model',
    dimension: 4,
    embed: (audio, signal) => {
      calls.push('embed');
      return embed(audio, signal);
    },
    dispose: () => undefined,
  };
  let current: SpeakerEmbedder | undefined = embedder;
  const anna = store.speakers.create({ name: 'Anna', priority: 0, embedding: ANNA, sample_count: 3 });
  tagPrint(store, anna.id, 'test-model');
  const id = new SpeakerIdentification({ store, bus, config: () => DEFAULT_CONFIG, embedder: () => current });
  return { id, calls, events, store, anna, swapModel: (next: SpeakerEmbedder) => (current = next), embedder };
}

/** A second of loud tone between quiet: voice enough for prepareAudio. */
const speech = (): Pcm => {
  const samples = new Float32Array(2 * SAMPLE_RATE);
  for (let i = SAMPLE_RATE / 2; i < 1.5 * SAMPLE_RATE; i++) samples[i] = 0.3 * Math.sin(i / 5);
  return { samples, sampleRate: SAMPLE_RATE };
};

describe('a voice embedded ahead of the turn', () => {
  it('is embedded once: the turn decides on the early embedding', async () => {
    const { id, calls, events, anna } = setup();
    const ahead = id.embedAhead(speech(), new AbortController().signal);
    expect(calls).toEqual(['embed']);
    expect(events.filter((e) => e.event === 'SPEAKER_IDENTIFIED')).toHaveLength(0); // nothing decided yet
    const who = await id.identify(speech(), undefined, 'turn-1', ahead);
    expect(who).toMatchObject({ id: anna.id, name: 'Anna' });
    expect(calls).toEqual(['embed']);
    expect(events.find((e) => e.event === 'SPEAKER_IDENTIFIED')?.data).toMatchObject({ name: 'Anna', turn_id: 'turn-1' });
  });

  it('leaves no trace when the turn never uses it (a discarded guess)', async () => {
    const { id, events, store, anna } = setup();
    const ahead = id.embedAhead(speech(), new AbortController().signal);
    await ahead?.embedding;
    expect(events).toEqual([]);
    expect(store.speakers.get(anna.id)!.last_seen).toBeNull();
  });

  it('is embedded again when the early embedding failed, or was made with a model since replaced', async () => {
    let fail = true;
    const failing = setup(async () => {
      if (fail) throw new Error('model busy');
      return ANNA;
    });
    const ahead = failing.id.embedAhead(speech(), new AbortController().signal);
    fail = false;
    expect(await failing.id.identify(speech(), undefined, 'turn-2', ahead)).toMatchObject({ name: 'Anna' });
    expect(failing.calls).toHaveLength(2);

    const replaced = setup();
    const old = replaced.id.embedAhead(speech(), new AbortController().signal);
    let newModelCalls = 0;
    replaced.swapModel({ ...replaced.embedder, embed: async () => (newModelCalls++, ANNA) });
    expect(await replaced.id.identify(speech(), undefined, 'turn-3', old)).toMatchObject({ name: 'Anna' });
    expect(newModelCalls).toBe(1);
  });

  it('is not begun without a model or without voice enough to tell', () => {
    const { id, calls } = setup();
    expect(id.embedAhead({ samples: new Float32Array(SAMPLE_RATE), sampleRate: SAMPLE_RATE }, new AbortController().signal)).toBeUndefined();
    expect(calls).toEqual([]);
  });
});
