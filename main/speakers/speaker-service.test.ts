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

  it('renames to a free name, and changes a priority without looking at names', () => {
    expect(speakers.update(ben, { name: 'Benjamin', priority: 2 })).toMatchObject({ id: ben, name: 'Benjamin', priority: 2 });
    expect(speakers.update(anna, { name: 'Ben' }).name).toBe('Ben'); // free again since Ben became Benjamin
  });
});
