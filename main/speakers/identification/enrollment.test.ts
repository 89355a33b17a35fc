import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Config } from '../../contract/config.ts';
import { EventBus } from '../../engine/events/event-bus.ts';
import type { Pcm, SpeakerEmbedder } from '../../engine/stages.ts';
import { openSqliteStore } from '../../store/sqlite-store.ts';
import type { Store } from '../../store/store.ts';
import { Enrollment } from './enrollment.ts';
import { cosine, meanOfUnits, normalize } from './vectors.ts';

// When is a new voice "already enrolled"? Decided on hand-made embeddings (a stand-in embedder
// hands them out in order); the same rule on a real model and five real voices is in
// identification.models.test.ts and bench/results/speaker.json.
const DIM = 10;
const voice = (parts: Record<number, number>) => {
  const v = new Float32Array(DIM);
  for (const [i, w] of Object.entries(parts)) v[Number(i)] = w;
  return normalize(v);
};
/** Three clips of one voice: a shared core plus a little of something different in each. */
const anna = [0, 1, 2].map((i) => voice({ 0: 1, [2 + i]: 0.3 }));
/** A different voice close to Anna's (profiles at cosine 0.85), whose clips agree with each other at 0.95. */
const bella = [0, 1, 2].map((i) => voice({ 0: 1, 1: 0.55, [5 + i]: 0.3 }));
/** Anna again, two other utterances. */
const annaAgain = [0, 1].map((i) => voice({ 0: 1, [5 + i]: 0.3 }));

/** 1.5 s of a tone between quiet edges: enough "voice" for enrolmentClip; who it is comes from the embeddings queue. */
const clip = (): Pcm => ({ samples: Float32Array.from({ length: 33600 }, (_, i) => (i > 4800 && i < 28800 ? 0.3 * Math.sin(i / 5) : 0)), sampleRate: 16000 });

describe('enrolment: a similar voice is a new person, the same voice is refused', () => {
  let store: Store;
  let config: Config;
  let queue: Float32Array[];
  let enrollment: Enrollment;
  const embedder: SpeakerEmbedder = {
    name: 'queue',
    model: 'test-model',
    dimension: DIM,
    embed: async () => queue.shift() ?? Promise.reject(new Error('no embedding queued')),
    dispose: () => undefined,
  };
  const enrol = (name: string, embeddings: Float32Array[]) => {
    queue = [...embeddings];
    return enrollment.enrol({ name, clips: embeddings.map(clip) });
  };

  beforeEach(async () => {
    store = openSqliteStore(':memory:');
    config = structuredClone(DEFAULT_CONFIG);
    config.voice.speaker_threshold = 0.8;
    enrollment = new Enrollment({ store, bus: new EventBus(), config: () => config, embedder: () => embedder });
    await enrol('Anna', anna);
  });

  it('enrols a voice that scores above the threshold against a profile but agrees with itself far better', async () => {
    expect(cosine(meanOfUnits(bella), meanOfUnits(anna))).toBeGreaterThan(config.voice.speaker_threshold);
    const created = await enrol('Bella', bella);
    expect(created).toMatchObject({ name: 'Bella', sample_count: 3 });
    expect(store.speakers.list().map((s) => s.name)).toEqual(['Anna', 'Bella']);
  });

  it('refuses the same voice under another name, and a single clip above the threshold', async () => {
    await expect(enrol('Anna B', annaAgain)).rejects.toMatchObject({ code: 'voice_already_enrolled', status: 409 });
    await expect(enrol('Anna C', [annaAgain[0]!])).rejects.toMatchObject({ code: 'voice_already_enrolled', status: 409 });
    // One clip cannot show it agrees with itself: the threshold alone decides, so Bella from one clip is refused too.
    await expect(enrol('Bella', [bella[0]!])).rejects.toMatchObject({ code: 'voice_already_enrolled' });
    expect(store.speakers.list().map((s) => s.name)).toEqual(['Anna']);
  });
});
