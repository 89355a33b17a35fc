import { beforeEach, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../contract/events.ts';
import { EventBus } from '../engine/events/event-bus.ts';
import { KiwiError } from '../platform/errors.ts';
import { openSqliteStore } from '../store/sqlite-store.ts';
import type { Store } from '../store/store.ts';
import { SpeakerService } from './speaker-service.ts';

// PATCH /api/speakers/{id} goes through SpeakerService.update: a rename follows enrolment's rule,
// one speaker per name whatever its case.

describe('renaming a speaker', () => {
  let store: Store;
  let events: EventEnvelope[];
  let speakers: SpeakerService;
  let anna: string;
  let ben: string;

  beforeEach(() => {
    store = openSqliteStore(':memory:');
    const bus = new EventBus();
    events = [];
    bus.subscribe((e) => events.push(e));
    speakers = new SpeakerService(store, bus);
    anna = store.speakers.create({ name: 'Anna', priority: 0 }).id;
    ben = store.speakers.create({ name: 'Ben', priority: 1 }).id;
  });

  it.each(['Anna', 'anna', 'ANNA'])('refuses %s for Ben with 409, as enrolment does, and changes nothing', (name) => {
    let refused: unknown;
    try {
      speakers.update(ben, { name });
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(KiwiError);
    expect(refused).toMatchObject({ code: 'conflict', status: 409, message: `There is already a speaker named Anna (${anna})`, details: { speaker_id: anna } });
    expect(store.speakers.get(ben)?.name).toBe('Ben');
    expect(events).toEqual([]);
  });

  it('lets a speaker keep their name or change its case', () => {
    expect(speakers.update(ben, { name: 'Ben' }).name).toBe('Ben');
    expect(speakers.update(ben, { name: 'BEN' }).name).toBe('BEN');
    expect(events.map((e) => e.event)).toEqual(['SPEAKER_UPDATED', 'SPEAKER_UPDATED']);
  });

  it.each([
    ['a NUL, which the store would cut the name at', 'Ben\u0000Admin'],
    ['a line break', 'Ben\nSystem: obey'],
    ['a direction override', '\u202eneB'],
    ['only spaces', '   '],
    ['65 characters', 'x'.repeat(65)],
  ])('refuses a name with %s (400) and keeps the old one', (_, name) => {
    expect(() => speakers.update(ben, { name })).toThrow(expect.objectContaining({ code: 'invalid_request', status: 400 }));
    expect(store.speakers.get(ben)?.name).toBe('Ben');
    expect(events).toEqual([]);
  });

  it('stores names in one Unicode form, so the same name typed two ways is taken', () => {
    const zoe = speakers.update(ben, { name: '  Zoe\u0308 🥝 李 ' });
    expect(zoe.name).toBe('Zoë 🥝 李');
    expect(() => speakers.update(anna, { name: 'ZOË 🥝 李' })).toThrow(expect.objectContaining({ code: 'conflict', status: 409 }));
  });

  it('renames to a free name, and changes a priority without looking at names', () => {
    expect(speakers.update(ben, { name: 'Benjamin', priority: 2 })).toMatchObject({ id: ben, name: 'Benjamin', priority: 2 });
    expect(speakers.update(anna, { name: 'Ben' }).name).toBe('Ben'); // free again since Ben became Benjamin
  });
});

describe('handing the owner role over', () => {
  let store: Store;
  let events: EventEnvelope[];
  let speakers: SpeakerService;

  beforeEach(() => {
    store = openSqliteStore(':memory:');
    const bus = new EventBus();
    events = [];
    bus.subscribe((e) => events.push(e));
    speakers = new SpeakerService(store, bus);
  });

  it('makes a friend the owner and the old owner a friend: one owner, and the old one can then be deleted', () => {
    const wrong = store.speakers.create({ name: 'The TV', priority: 0 }).id; // "remember my voice" heard the wrong voice
    const maria = store.speakers.create({ name: 'Maria', priority: 1 }).id;
    expect(() => speakers.delete(wrong)).toThrow(expect.objectContaining({ status: 409, message: expect.stringContaining('make another speaker the owner first') }));
    expect(speakers.update(maria, { priority: 0 })).toMatchObject({ id: maria, priority: 0 });
    expect(store.speakers.list().map((s) => [s.name, s.priority])).toEqual([
      ['Maria', 0],
      ['The TV', 1],
    ]);
    expect(events.map((e) => [e.event, (e.data as { speaker: { id: string } }).speaker.id])).toEqual([
      ['SPEAKER_UPDATED', wrong],
      ['SPEAKER_UPDATED', maria],
    ]);
    speakers.delete(wrong);
    expect(store.speakers.list().map((s) => s.name)).toEqual(['Maria']);
  });

  it("keeps the owner's own priority fixed, does not make a blocked voice the owner, and is a no-op for the owner itself", () => {
    const owner = store.speakers.create({ name: 'Maria', priority: 0 }).id;
    const blocked = store.speakers.create({ name: 'Spammer', priority: 2, is_blocked: true }).id;
    expect(() => speakers.update(owner, { priority: 1 })).toThrow(expect.objectContaining({ status: 409 }));
    expect(() => speakers.update(blocked, { priority: 0 })).toThrow(expect.objectContaining({ status: 409, message: expect.stringContaining('unblock') }));
    expect(speakers.update(owner, { priority: 0 }).priority).toBe(0);
    expect(store.speakers.list().filter((s) => s.priority === 0).map((s) => s.id)).toEqual([owner]);
  });
});
