import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../contract/events.ts';
import { EventBus } from '../engine/events/event-bus.ts';
import { EventBridge } from './event-bridge.ts';

describe('event bridge', () => {
  it('gives each window CONNECTED with the state, then the bus in order; windows are independent', () => {
    const bus = new EventBus();
    let state = 'IDLE';
    const bridge = new EventBridge(bus, () => state);
    const a: EventEnvelope[] = [];
    const b: EventEnvelope[] = [];
    bridge.subscribe(1, (e) => a.push(e));
    bus.emit('STATE_CHANGED', { old_state: 'IDLE', new_state: 'LISTENING', reason: 'listening turned on' }, 'engine');
    state = 'LISTENING';
    bridge.subscribe(2, (e) => b.push(e));
    bus.emit('WAKE_WORD_DETECTED', { source: 'mic', wake_word: 'kiwi', keyword: 'kiwi', score: 1, engine: 'text', turn_id: 'turn_1' }, 'engine');
    expect(a.map((e) => e.event)).toEqual(['CONNECTED', 'STATE_CHANGED', 'WAKE_WORD_DETECTED']);
    expect(b.map((e) => e.event)).toEqual(['CONNECTED', 'WAKE_WORD_DETECTED']);
    expect(b[0]!.data).toEqual({ state: 'LISTENING' });
    expect(bridge.count).toBe(2);
    bridge.unsubscribe(1);
    bus.emit('SOUL_CHANGED', { soul_id: 'default', name: 'Default', nsfw: false, model: '' }, 'souls');
    expect(a).toHaveLength(3);
    expect(b).toHaveLength(3);
    bridge.unsubscribe(2);
    expect(bus.listenerCount).toBe(0);
  });
});
