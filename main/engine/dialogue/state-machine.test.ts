import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Config } from '../../contract/config.ts';
import { STATES, type EngineState } from '../../contract/events.ts';
import type { EventEnvelope } from '../../contract/events.ts';
import { KiwiError } from '../../platform/errors.ts';
import { AudioHub } from '../audio/audio-hub.ts';
import { Engine } from '../engine.ts';
import { EventBus } from '../events/event-bus.ts';
import type { EngineParts, Pcm } from '../stages.ts';
import { StateMachine, TRANSITIONS } from './state-machine.ts';

/** The transition table, spelled out: changing it must be a deliberate edit here too. */
const ALLOWED: Array<[EngineState, EngineState]> = [
  ['IDLE', 'LISTENING'],
  ['IDLE', 'PROCESSING'],
  ['IDLE', 'SPEAKING'],
  ['LISTENING', 'IDLE'],
  ['LISTENING', 'PROCESSING'],
  ['LISTENING', 'SPEAKING'],
  ['PROCESSING', 'IDLE'],
  ['PROCESSING', 'LISTENING'],
  ['PROCESSING', 'THINKING'],
  ['PROCESSING', 'SPEAKING'],
  ['THINKING', 'IDLE'],
  ['THINKING', 'LISTENING'],
  ['THINKING', 'SPEAKING'],
  ['SPEAKING', 'IDLE'],
  ['SPEAKING', 'LISTENING'],
  ['SPEAKING', 'PROCESSING'],
  ['SPEAKING', 'THINKING'],
];
const key = (from: EngineState, to: EngineState) => `${from}->${to}`;
const allowed = new Set(ALLOWED.map(([from, to]) => key(from, to)));
const pairs = STATES.flatMap((from) => STATES.map((to) => [from, to] as [EngineState, EngineState]));

describe('StateMachine', () => {
  it('starts IDLE by default', () => {
    expect(new StateMachine().state).toBe('IDLE');
  });

  it('the table holds exactly the documented transitions, each with a reason', () => {
    const inTable = pairs.filter(([from, to]) => TRANSITIONS[from][to] !== undefined).map(([f, t]) => key(f, t));
    expect(inTable.sort()).toEqual([...allowed].sort());
    for (const [from, to] of ALLOWED) expect(TRANSITIONS[from][to]?.length, key(from, to)).toBeGreaterThan(0);
  });

  it.each(ALLOWED)('allows %s → %s and tells listeners', (from, to) => {
    const machine = new StateMachine(from);
    const seen: unknown[] = [];
    machine.onChange((change) => seen.push(change));
    expect(machine.canMove(to)).toBe(true);
    machine.moveTo(to);
    expect(machine.state).toBe(to);
    expect(seen).toEqual([{ from, to, reason: TRANSITIONS[from][to] }]);
  });

  it.each(pairs.filter(([from, to]) => from !== to && !allowed.has(key(from, to))))('refuses %s → %s', (from, to) => {
    const machine = new StateMachine(from);
    const seen: unknown[] = [];
    machine.onChange((change) => seen.push(change));
    expect(machine.canMove(to)).toBe(false);
    let thrown: unknown;
    try {
      machine.moveTo(to);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(KiwiError);
    expect(thrown).toMatchObject({ code: 'illegal_transition' });
    expect(machine.state).toBe(from);
    expect(seen).toEqual([]);
  });

  it.each(STATES.map((s) => [s]))('a move from %s to itself does nothing and tells nobody', (state) => {
    const machine = new StateMachine(state);
    const seen: unknown[] = [];
    machine.onChange((change) => seen.push(change));
    expect(machine.canMove(state)).toBe(false);
    machine.moveTo(state);
    expect(machine.state).toBe(state);
    expect(seen).toEqual([]);
  });

  it('unsubscribed listeners hear nothing more', () => {
    const machine = new StateMachine();
    const seen: unknown[] = [];
    const off = machine.onChange((change) => seen.push(change));
    machine.moveTo('LISTENING');
    off();
    machine.moveTo('IDLE');
    expect(seen).toHaveLength(1);
  });
});

describe('STATE_CHANGED through the Engine', () => {
  const fakeListeningParts = (): EngineParts => ({
    vad: { name: 'fake-vad', speaking: false, accept: () => [], flush: () => [], reset: () => undefined, dispose: () => undefined, fork: () => fakeListeningParts().vad! },
    wake: { name: 'fake-wake', accept: async () => null, reset: () => undefined, dispose: () => undefined, fork: () => fakeListeningParts().wake! },
    stt: { name: 'fake-stt', model: 'none', transcribe: async () => ({ text: '', language: 'en' }), dispose: () => undefined },
  });

  function setup(parts: EngineParts, config: Partial<Config> = {}) {
    const bus = new EventBus((err) => {
      throw err;
    });
    const events: EventEnvelope[] = [];
    bus.subscribe((e) => events.push(e));
    let cfg: Config = { ...DEFAULT_CONFIG, ...config };
    const engine = new Engine({ config: () => cfg, bus, hub: new AudioHub(), built: { parts, missing: {}, notes: [], wanted: [] } });
    return { engine, events, setConfig: (c: Partial<Config>) => (cfg = { ...cfg, ...c }), changes: () => events.filter((e) => e.event === 'STATE_CHANGED').map((e) => e.data) };
  }

  it('without listening stages the engine stays IDLE and emits no STATE_CHANGED', () => {
    const { engine, events, changes } = setup({});
    engine.start();
    expect(engine.state).toBe('IDLE');
    expect(changes()).toEqual([]);
    expect(events.map((e) => e.event)).toEqual(['ENGINE_READY']);
  });

  it('with listening stages it moves to LISTENING and back, emitting STATE_CHANGED each time', () => {
    const { engine, events, changes } = setup(fakeListeningParts());
    engine.start();
    expect(engine.state).toBe('LISTENING');
    engine.applyListening(false);
    expect(engine.state).toBe('IDLE');
    expect(changes()).toEqual([
      { old_state: 'IDLE', new_state: 'LISTENING', reason: TRANSITIONS.IDLE.LISTENING },
      { old_state: 'LISTENING', new_state: 'IDLE', reason: TRANSITIONS.LISTENING.IDLE },
    ]);
    const change = events.find((e) => e.event === 'STATE_CHANGED')!;
    expect(change.source).toBe('engine');
  });

  it('listening: false in config keeps it IDLE', () => {
    const { engine } = setup(fakeListeningParts(), { listening: false });
    engine.start();
    expect(engine.state).toBe('IDLE');
  });

  it('without a TTS stage, speak answers 503 naming tts, stop has nothing to stop, and the state does not move', () => {
    const { engine, changes } = setup({});
    engine.start();
    expect(() => engine.speak('hello')).toThrow(expect.objectContaining({ code: 'tts_unavailable', status: 503 }));
    // stop() is idempotent; POST /api/stop still answers 503 naming tts when nothing could ever be stopped (require).
    expect(() => engine.require('tts')).toThrow(expect.objectContaining({ code: 'tts_unavailable', status: 503 }));
    engine.stop();
    engine.stop();
    expect(changes()).toEqual([]);
  });

  it('speaking goes to SPEAKING and back to LISTENING when done', async () => {
    const audio: Pcm = { samples: new Float32Array(160), sampleRate: 16000 };
    const { engine, changes } = setup({ ...fakeListeningParts(), tts: { name: 'fake-tts', model: 'none', synthesize: async () => audio, dispose: () => undefined } });
    engine.start();
    const spoken = engine.speak('hello');
    expect(engine.state).toBe('SPEAKING');
    expect(await spoken.done).toEqual({ interrupted: false });
    expect(engine.state).toBe('LISTENING');
    expect(changes().map((c) => `${String(c.old_state)}->${String(c.new_state)}`)).toEqual(['IDLE->LISTENING', 'LISTENING->SPEAKING', 'SPEAKING->LISTENING']);
  });

  it('a disposed engine emits no more STATE_CHANGED', () => {
    const { engine, changes } = setup(fakeListeningParts());
    engine.start();
    engine.dispose();
    engine.machine.moveTo('IDLE');
    expect(changes()).toHaveLength(1);
  });
});
