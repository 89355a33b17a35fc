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

/** 1.5 s of a tone between quiet edges (each a little different): enough "voice" for enrolmentClip; who it is comes from the embeddings queue. */
let tones = 0;
const clip = (): Pcm => {
  const step = 5 + tones++ / 10;
  return { samples: Float32Array.from({ length: 33600 }, (_, i) => (i > 4800 && i < 28800 ? 0.3 * Math.sin(i / step) : 0)), sampleRate: 16000 };
};

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

describe('enrolments that run at the same time', () => {
  let store: Store;
  let enrollment: Enrollment;
  /** Embeddings are handed out only when the test says so: both requests are then inside their await. */
  let waiting: Array<(e: Float32Array) => void>;
  /** Wakes `release` when another embedding is asked for. */
  let asked: (() => void) | null = null;
  const embedder: SpeakerEmbedder = {
    name: 'manual',
    model: 'test-model',
    dimension: DIM,
    embed: () =>
      new Promise<Float32Array>((resolve) => {
        waiting.push(resolve);
        asked?.();
      }),
    dispose: () => undefined,
  };
  /** Once as many embeddings as given are asked for (the clips are prepared first, a slice at a time), hands them out in order. */
  const release = async (embeddings: Float32Array[]) => {
    while (waiting.length < embeddings.length) await new Promise<void>((resolve) => (asked = resolve));
    asked = null;
    expect(waiting).toHaveLength(embeddings.length);
    embeddings.forEach((e, i) => waiting[i]!(e));
    waiting = [];
  };

  beforeEach(() => {
    store = openSqliteStore(':memory:');
    waiting = [];
    const config = structuredClone(DEFAULT_CONFIG);
    config.voice.speaker_threshold = 0.8;
    enrollment = new Enrollment({ store, bus: new EventBus(), config: () => config, embedder: () => embedder });
  });

  it('gives a name to one of two people enrolling under it at once; the other gets 409', async () => {
    const first = enrollment.enrol({ name: 'Bob', clips: [clip()] });
    const second = enrollment.enrol({ name: 'bob', clips: [clip()] });
    await release([anna[0]!, voice({ 9: 1 })]);
    const results = await Promise.allSettled([first, second]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'conflict', status: 409 } });
    expect(store.speakers.list().map((s) => s.name)).toEqual(['Bob']);
  });

  it('makes one owner when two ask to be the owner at once', async () => {
    const first = enrollment.enrol({ name: 'Anna', priority: 'owner', clips: [clip()] });
    const second = enrollment.enrol({ name: 'Carl', priority: 'owner', clips: [clip()] });
    await release([anna[0]!, voice({ 9: 1 })]);
    const results = await Promise.allSettled([first, second]);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'conflict', status: 409 } });
    expect(store.speakers.list().filter((s) => s.priority === 0)).toHaveLength(1);
  });

  it('refuses the same recording sent twice, naming it, before any embedding', async () => {
    const same = clip();
    await expect(enrollment.enrol({ name: 'Bob', clips: [same, clip(), same] })).rejects.toMatchObject({
      code: 'repeated_clip',
      status: 400,
      message: 'audio[2] is the same recording as audio[0]; send different utterances',
    });
    const anna = store.speakers.create({ name: 'Anna', priority: 2, embedding: meanOfUnits(annaAgain), sample_count: 2 });
    await expect(enrollment.addSamples(anna.id, [same, same])).rejects.toMatchObject({ code: 'repeated_clip' });
    expect(waiting).toHaveLength(0);
    expect(store.speakers.list().map((s) => s.sample_count)).toEqual([2]);
  });

  it('says a clip of steady noise has no voice in it, not that it is silent', async () => {
    let seed = 1;
    const hiss = Float32Array.from({ length: 48000 }, () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 0.6);
    await expect(enrollment.enrol({ name: 'Bob', clips: [{ samples: hiss, sampleRate: 16000 }] })).rejects.toMatchObject({
      code: 'audio_too_short',
      message: 'audio[0]: only silence or steady noise; each clip needs at least 1 s of speech',
    });
  });

  it('refuses a name with a control character before any embedding (the CLI and the voice enrol through here too)', async () => {
    await expect(enrollment.enrol({ name: 'Bob\u0000', clips: [clip()] })).rejects.toMatchObject({ code: 'invalid_request', status: 400 });
    expect(waiting).toHaveLength(0);
    expect(store.speakers.list()).toEqual([]);
  });

  it('refuses a name a rename took while the clips were embedded', async () => {
    const other = store.speakers.create({ name: 'Carl', priority: 2, embedding: voice({ 9: 1 }), sample_count: 1 });
    const enrol = enrollment.enrol({ name: 'Bob', clips: [clip()] });
    store.speakers.update(other.id, { name: 'Bob' });
    await release([anna[0]!]);
    await expect(enrol).rejects.toMatchObject({ code: 'conflict', status: 409 });
    expect(store.speakers.list().map((s) => s.name)).toEqual(['Bob']);
  });

  it('keeps the samples of two requests adding to one profile at once', async () => {
    const record = store.speakers.create({ name: 'Anna', priority: 2, embedding: meanOfUnits(anna), sample_count: 3 });
    const first = enrollment.addSamples(record.id, [clip()]);
    const second = enrollment.addSamples(record.id, [clip()]);
    await release([annaAgain[0]!, annaAgain[1]!]);
    await Promise.all([first, second]);
    const after = store.speakers.get(record.id)!;
    expect(after.sample_count).toBe(5);
    expect(cosine(after.embedding!, meanOfUnits([...anna, ...annaAgain]))).toBeGreaterThan(0.999);
  });
});
