import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Config } from '../../contract/config.ts';
import type { EventEnvelope } from '../../contract/events.ts';
import { EventBus } from '../../engine/events/event-bus.ts';
import { openSqliteStore } from '../../store/sqlite-store.ts';
import type { Store } from '../../store/store.ts';
import { GuestLearner } from './guest-learner.ts';
import { SelfVoice } from './self-voice.ts';
import { MAX_UPDATE_WEIGHT, updateThreshold } from './policy.ts';
import { nextGuestName, SpeakerIdentification } from './speaker-identification.ts';
import { blend, cosine, meanOfUnits, normalize } from './vectors.ts';
import { tagPrint } from './voice-prints.ts';

// The decision logic on hand-made unit vectors (no model): which profile wins, when a profile
// learns, when a guest is made. The same logic on a real speaker model is in
// identification.models.test.ts.
const DIM = 8;
const axis = (i: number, j?: number, mix = 0) => {
  const v = new Float32Array(DIM);
  v[i] = 1;
  if (j !== undefined) v[j] = mix;
  return normalize(v);
};
/** A unit vector at cosine `c` from axis i (tilted towards axis j). */
const near = (i: number, c: number, j = (i + 1) % DIM) => {
  const v = new Float32Array(DIM);
  v[i] = c;
  v[j] = Math.sqrt(1 - c * c);
  return v;
};
const model = { model: 'test-model', dimension: DIM };

describe('speaker identification decisions', () => {
  let store: Store;
  let events: EventEnvelope[];
  let config: Config;
  let id: SpeakerIdentification;

  beforeEach(() => {
    store = openSqliteStore(':memory:');
    const bus = new EventBus();
    events = [];
    bus.subscribe((e) => events.push(e));
    config = structuredClone(DEFAULT_CONFIG);
    config.voice.speaker_threshold = 0.8;
    // Each reading of the clock is 30 s later: utterances spaced like a person speaking now and then.
    let clock = Date.parse('2026-01-01T00:00:00Z');
    id = new SpeakerIdentification({ store, bus, config: () => config, embedder: () => undefined, now: () => (clock += 30_000) });
  });

  const enrol = (name: string, priority: 0 | 1 | 2 | 99, print: Float32Array, extra: { is_blocked?: boolean; sample_count?: number } = {}) => {
    const r = store.speakers.create({ name, priority, embedding: print, sample_count: extra.sample_count ?? 3, is_blocked: extra.is_blocked });
    tagPrint(store, r.id, model.model);
    return r;
  };

  it('picks the closest profile above the threshold and announces it', () => {
    const anna = enrol('Anna', 0, axis(0));
    enrol('Ben', 1, axis(1));
    const result = id.decide(near(0, 0.85), 2, model);
    expect(result).toMatchObject({ kind: 'speaker', speaker: { id: anna.id, name: 'Anna', priority: 0, confidence: 0.85, blocked: false } });
    expect(events.find((e) => e.event === 'SPEAKER_IDENTIFIED')?.data).toEqual({ id: anna.id, speaker_id: anna.id, name: 'Anna', priority: 0, confidence: 0.85, blocked: false });
    expect(store.speakers.get(anna.id)!.last_seen).not.toBeNull();
  });

  it('answers unknown below the threshold, without an event', () => {
    enrol('Anna', 0, axis(0));
    expect(id.decide(near(0, 0.79), 1, model)).toMatchObject({ kind: 'unknown', best: { score: 0.79 } });
    expect(events.filter((e) => e.event === 'SPEAKER_IDENTIFIED')).toHaveLength(0);
  });

  it('identifies blocked speakers, marked blocked, and never learns from them', () => {
    const troll = enrol('Troll', 2, axis(2), { is_blocked: true });
    const legacy = enrol('Old block', 99, axis(3));
    const before = store.speakers.get(troll.id)!.embedding!;
    expect(id.decide(near(2, 0.99), 3, model)).toMatchObject({ kind: 'speaker', speaker: { id: troll.id, blocked: true }, updated: false });
    expect(store.speakers.get(troll.id)!.embedding).toEqual(before);
    expect(id.decide(near(3, 0.95), 3, model)).toMatchObject({ kind: 'speaker', speaker: { id: legacy.id, blocked: true } });
  });

  it('ignores prints of another speaker model or another size', () => {
    const other = store.speakers.create({ name: 'Other model', priority: 1, embedding: axis(0), sample_count: 3 });
    tagPrint(store, other.id, 'another-model');
    store.speakers.create({ name: 'Wrong size', priority: 1, embedding: new Float32Array(4).fill(0.5), sample_count: 3 });
    expect(id.decide(axis(0), 2, model)).toMatchObject({ kind: 'unknown', best: null });
    const untagged = store.speakers.create({ name: 'Before tags', priority: 1, embedding: axis(0), sample_count: 3 });
    expect(id.decide(axis(0), 2, model)).toMatchObject({ kind: 'speaker', speaker: { id: untagged.id } });
  });

  it('updates a profile only from matches well above the threshold, by a bounded weight', () => {
    const anna = enrol('Anna', 1, axis(0), { sample_count: 3 });
    const print0 = store.speakers.get(anna.id)!.embedding!;
    expect(updateThreshold(0.8)).toBeCloseTo(0.9);
    // Borderline match: identified, not learned from.
    expect(id.decide(near(0, 0.85), 2, model)).toMatchObject({ kind: 'speaker', updated: false });
    expect(store.speakers.get(anna.id)!.embedding).toEqual(print0);
    // Confident match: the print moves by MAX_UPDATE_WEIGHT at most, sample_count grows.
    const sample = near(0, 0.95);
    expect(id.decide(sample, 2, model)).toMatchObject({ kind: 'speaker', updated: true });
    const after = store.speakers.get(anna.id)!;
    expect(after.sample_count).toBe(4);
    const expected = blend(print0, sample, MAX_UPDATE_WEIGHT);
    after.embedding!.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
    expect(cosine(after.embedding!, print0)).toBeGreaterThan(0.999);
  });

  it('learns a guest only after three mutually consistent, clearly unknown, long enough samples', () => {
    enrol('Anna', 0, axis(0));
    const guestVoice = [near(4, 0.97, 5), near(4, 0.96, 6), near(4, 0.95, 7)];
    expect(id.decide(guestVoice[0]!, 2, model)).toMatchObject({ kind: 'unknown' });
    expect(id.decide(near(6, 0.99), 2, model)).toMatchObject({ kind: 'unknown' }); // someone else in between
    expect(id.decide(guestVoice[1]!, 1, model)).toMatchObject({ kind: 'unknown' }); // too short: not offered
    expect(id.decide(guestVoice[1]!, 2, model)).toMatchObject({ kind: 'unknown' });
    expect(store.speakers.list()).toHaveLength(1);
    const third = id.decide(guestVoice[2]!, 2, model);
    expect(third).toMatchObject({ kind: 'speaker', learned: true, speaker: { name: 'Guest 1', priority: 2 } });
    const guest = store.speakers.list().find((s) => s.name === 'Guest 1')!;
    expect(guest).toMatchObject({ auto_learned: true, priority: 2, sample_count: 3, is_blocked: false });
    expect(cosine(guest.embedding!, meanOfUnits([guestVoice[0]!, guestVoice[1]!, guestVoice[2]!]))).toBeCloseTo(1, 5);
    expect(events.map((e) => e.event)).toContain('SPEAKER_ADDED');
    // From now on that voice is the guest.
    expect(id.decide(near(4, 0.93, 5), 2, model)).toMatchObject({ kind: 'speaker', speaker: { id: guest.id } });
  });

  it('does not learn guests when auto_learn_guests is off, or from voices close to a profile', () => {
    enrol('Anna', 0, axis(0));
    config.voice.auto_learn_guests = false;
    for (let i = 0; i < 4; i++) expect(id.decide(near(4, 0.97 - i * 0.01), 2, model).kind).toBe('unknown');
    config.voice.auto_learn_guests = true;
    // 0.75 to Anna: below her threshold but not clearly someone else (could be Anna with a cold).
    for (let i = 0; i < 4; i++) expect(id.decide(near(0, 0.75, 3 + (i % 2)), 2, model).kind).toBe('unknown');
    expect(store.speakers.list()).toHaveLength(1);
  });
});

describe('self voice prints', () => {
  it('learns per voice, samples every reply at first and then one in ten', () => {
    const self = new SelfVoice();
    expect(self.score('m|piper:joe', axis(5))).toBeNull();
    for (let i = 0; i < 6; i++) {
      expect(self.wants('m|piper:joe')).toBe(true);
      self.add('m|piper:joe', near(5, 0.97 - i * 0.01, 6 + (i % 2)));
    }
    let embedded = 0;
    for (let i = 0; i < 30; i++) {
      if (self.wants('m|piper:joe')) {
        embedded++;
        self.add('m|piper:joe', near(5, 0.95));
      } else self.skipped('m|piper:joe');
    }
    expect(embedded).toBe(3);
    expect(self.samples('m|piper:joe')).toBe(8); // bounded
    expect(self.score('m|piper:joe', axis(5))!).toBeGreaterThan(0.9);
    expect(self.score('m|piper:amy', axis(5))).toBeNull(); // another TTS voice is not this one
  });
});

describe('guest learner', () => {
  it('keeps different unknown voices apart and forgets old samples', () => {
    const learner = new GuestLearner({ samples: 3, windowMs: 1000, maxVoices: 2, minGapMs: 0 });
    expect(learner.offer(axis(0), 0.8, 0)).toBeNull();
    expect(learner.offer(axis(1), 0.8, 10)).toBeNull();
    expect(learner.pending).toBe(2);
    expect(learner.offer(near(0, 0.9), 0.8, 20)).toBeNull();
    // At t=1500 both samples of voice 0 are older than the window: the voice starts over.
    expect(learner.offer(near(0, 0.95), 0.8, 1500)).toBeNull();
    expect(learner.pending).toBe(1);
    expect(learner.offer(near(0, 0.92), 0.8, 1600)).toBeNull();
    expect(learner.offer(near(0, 0.93), 0.8, 1700)).toHaveLength(3);
    expect(learner.pending).toBe(0);
    // A sample consistent with only some of a candidate's samples starts its own candidate.
    const l2 = new GuestLearner({ samples: 3, windowMs: 60_000, maxVoices: 4, minGapMs: 0 });
    l2.offer(axis(0, 1, 0.3), 0.8, 0);
    l2.offer(axis(0, 2, 0.3), 0.8, 1);
    expect(l2.offer(axis(1, 0, 0.9), 0.8, 2)).toBeNull();
    expect(l2.pending).toBe(2);
  });
});

describe('guest learner under a flood', () => {
  const options = { samples: 3, windowMs: 30 * 60_000, maxVoices: 8, minGapMs: 20_000 };

  it('never learns a voice whose samples come faster than they can be spoken (a replayed recording)', () => {
    const learner = new GuestLearner(options);
    // 300 s of 3 s commands in one voice, arriving every second (3x real time)
    for (let t = 0; t < 300; t++) expect(learner.offer(near(0, 0.95 + (t % 3) * 0.01), 0.8, t * 1000, 3)).toBeNull();
  });

  it('counts a burst of commands as one occasion; the same voice over minutes is learned', () => {
    const learner = new GuestLearner(options);
    expect(learner.offer(near(0, 0.95), 0.8, 0, 2)).toBeNull();
    expect(learner.offer(near(0, 0.96), 0.8, 5_000, 2)).toBeNull(); // 5 s later: same occasion, not counted
    expect(learner.offer(near(0, 0.97), 0.8, 10_000, 2)).toBeNull();
    expect(learner.offer(near(0, 0.96), 0.8, 30_000, 2)).toBeNull();
    expect(learner.offer(near(0, 0.95), 0.8, 60_000, 2)).toHaveLength(3);
  });
});

describe('vectors and names', () => {
  it('enrols as the normalised mean of unit embeddings', () => {
    const m = meanOfUnits([Float32Array.from([2, 0]), Float32Array.from([0, 10])]);
    expect(m[0]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(m[1]).toBeCloseTo(Math.SQRT1_2, 6);
  });

  it('names guests one past the highest number in use', () => {
    expect(nextGuestName([])).toBe('Guest 1');
    expect(nextGuestName([{ name: 'Guest 1' }, { name: 'Guest 7' }, { name: 'Anna' }])).toBe('Guest 8');
  });
});
