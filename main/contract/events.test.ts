import { describe, expect, expectTypeOf, it } from 'vitest';
import { EventBus } from '../engine/events/event-bus.ts';
import { buildOpenApiDocument } from '../server/openapi.ts';
import { decodeEvent, EVENT_NAMES, EVENT_SCHEMAS, type EventData } from './events.ts';

describe('event contract', () => {
  it('a wrong payload does not compile (this file is type-checked by `npm run typecheck`)', () => {
    const bus = new EventBus();
    // Never called: only the compiler looks. Each line below must fail typecheck; if one compiled,
    // its @ts-expect-error would be unused, which is itself a type error.
    const wrong = () => {
      // @ts-expect-error a renamed field (text → txt)
      bus.emit('TTS_STARTED', { txt: 'hi', turn_id: 'turn_1' }, 'engine');
      // @ts-expect-error a missing turn id on a turn event
      bus.emit('COMMAND_RECEIVED', { command: 'time', source: 'mic', speaker_id: null, language: 'en' }, 'engine');
      // @ts-expect-error a field of the wrong type
      bus.emit('TTS_FINISHED', { text: 'hi', interrupted: 'no', turn_id: 'turn_1' }, 'engine');
      // @ts-expect-error an event that does not exist
      bus.emit('TTS_EXPLODED', {}, 'engine');
      // @ts-expect-error SPEAKER_IDENTIFIED keeps both id and speaker_id
      bus.emit('SPEAKER_IDENTIFIED', { speaker_id: 'spk_001', name: 'Anna', priority: 0, confidence: 0.9, blocked: false }, 'speakers');
    };
    expect(typeof wrong).toBe('function');
    const envelope = bus.emit('TTS_STARTED', { text: 'hi', turn_id: 'turn_1' }, 'engine');
    expectTypeOf(envelope.data).toEqualTypeOf<EventData<'TTS_STARTED'>>();
    expectTypeOf<EventData<'TURN_FINISHED'>['turn_id']>().toEqualTypeOf<string>();
  });

  it('has exactly one schema per event name', () => {
    expect(Object.keys(EVENT_SCHEMAS).sort()).toEqual([...EVENT_NAMES].sort());
  });

  it('publishes every event schema in /api/openapi.json under its name', () => {
    const doc = buildOpenApiDocument('test') as { components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> } };
    for (const name of EVENT_NAMES) expect(doc.components.schemas[name], name).toBeDefined();
    const finished = doc.components.schemas.TURN_FINISHED!;
    expect(finished.required).toEqual(expect.arrayContaining(['turn_id', 'timings_ms', 'transcript']));
    expect(doc.components.schemas.SPEAKER_IDENTIFIED!.required).toEqual(expect.arrayContaining(['id', 'speaker_id']));
  });

  it('decodes wire data by its schema, keeping every field that matches', () => {
    const data = { turn_id: 'turn_1', transcript: 42, timings_ms: { total: 'slow', transcript: 12 }, reply: 'ok' };
    expect(decodeEvent('TURN_FINISHED', data)).toEqual({ turn_id: 'turn_1', timings_ms: { transcript: 12 }, reply: 'ok' });
    expect(decodeEvent('LLM_TOKEN', 'nonsense')).toEqual({});
    const good = { text: 'hi', interrupted: false, turn_id: 'turn_2' };
    expect(decodeEvent('TTS_FINISHED', good)).toEqual(good);
  });
});
