import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventData } from '../contract/events.ts';
import { EventBus } from '../engine/events/event-bus.ts';
import { openSqliteStore } from '../store/sqlite-store.ts';
import type { Store } from '../store/store.ts';
import { TurnHistory } from './turn-history.ts';

// Who a finished turn belongs to in the history, when its speaker is deleted while it runs.
const finished = (turnId: string, speaker: { id: string; name: string } | null): EventData<'TURN_FINISHED'> => ({
  turn_id: turnId,
  wake: true,
  transcript: 'Kiwi, my PIN is 4711, remind me',
  language: 'en',
  speaker: speaker && { ...speaker, confidence: 0.9 },
  command: null,
  reply: 'Okay.',
  timings_ms: { total: 900 },
  source: 'system:microphone',
});

describe('TurnHistory and a speaker deleted mid-turn', () => {
  let store: Store;
  let bus: EventBus;
  let history: TurnHistory;
  beforeEach(() => {
    store = openSqliteStore(':memory:');
    bus = new EventBus();
    history = new TurnHistory(store, bus);
  });
  afterEach(() => {
    history.close();
    store.close();
  });

  it("does not keep the turn of a speaker deleted before it finished, under their name or anyone's", () => {
    const ben = store.speakers.create({ name: 'Ben', priority: 1 });
    const anna = store.speakers.create({ name: 'Anna', priority: 0 });
    store.speakers.delete(ben.id); // the owner deletes Ben from the dashboard while Kiwi answers him
    bus.emit('TURN_FINISHED', finished('turn_ben', ben), 'engine');
    bus.emit('TURN_FINISHED', finished('turn_anna', anna), 'engine');
    bus.emit('TURN_FINISHED', finished('turn_unknown', null), 'engine');
    expect(history.newest(10, { all: true }).map((t) => t.turn_id)).toEqual(['turn_anna', 'turn_unknown']);
    expect(history.newest(10, { all: false, speakerId: anna.id }).map((t) => t.turn_id)).toEqual(['turn_anna']);
  });

  it('does not keep a turn that failed before anything was heard or said; a failed typed turn is kept', () => {
    const failed = { code: 'stt_failed', message: 'the model could not be run' };
    bus.emit('TURN_FINISHED', { ...finished('turn_unheard', null), transcript: '', reply: null, error: failed }, 'engine');
    bus.emit('TURN_FINISHED', { ...finished('turn_typed', null), source: 'text', reply: null, error: failed }, 'engine');
    expect(history.newest(10, { all: true }).map((t) => t.turn_id)).toEqual(['turn_typed']);
  });
});


describe('TurnHistory pages', () => {
  it('pages back through all of a full history (HISTORY_KEEP turns) with before, each turn once and in order', () => {
    const store = openSqliteStore(':memory:');
    const bus = new EventBus();
    const history = new TurnHistory(store, bus, 2000);
    try {
      const anna = store.speakers.create({ name: 'Anna', priority: 0 });
      for (let i = 0; i < 2100; i++) bus.emit('TURN_FINISHED', finished(`turn_${i}`, i % 3 === 0 ? anna : null), 'engine');
      const ids = (viewer: Parameters<TurnHistory['page']>[2]) => {
        const seen: string[] = [];
        let page = history.page(500, null, viewer)!;
        for (;;) {
          seen.unshift(...page.turns.map((t) => t.turn_id));
          if (!page.hasMore) return seen;
          page = history.page(500, page.turns[0]!.turn_id, viewer)!;
        }
      };
      const all = ids({ all: true });
      expect(all).toHaveLength(2000);
      expect(all[0]).toBe('turn_100'); // the oldest 100 were pruned
      expect(all.at(-1)).toBe('turn_2099');
      expect(new Set(all).size).toBe(2000);
      expect(ids({ all: false, speakerId: anna.id })).toEqual(all.filter((id) => Number(id.slice(5)) % 3 === 0));
      expect(history.page(10, 'turn_5', { all: true })).toBeNull(); // pruned
      expect(history.page(10, 'turn_101', { all: false, speakerId: anna.id })).toBeNull(); // not hers
      expect(history.page(10, 'turn_102', { all: false, speakerId: null })).toBeNull();
      expect(history.page(10, null, { all: false, speakerId: null })).toEqual({ turns: [], hasMore: false });
    } finally {
      history.close();
      store.close();
    }
  });
});
