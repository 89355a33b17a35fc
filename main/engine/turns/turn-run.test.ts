import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../contract/config.ts';
import type { EventEnvelope } from '../../contract/events.ts';
import { KiwiError } from '../../platform/errors.ts';
import { ManualClock } from '../../timers/testing/manual-clock.ts';
import { AudioHub } from '../audio/audio-hub.ts';
import { Engine } from '../engine.ts';
import { EventBus } from '../events/event-bus.ts';
import type { TurnHandler } from '../listening/turn.ts';
import type { Pcm, Tts } from '../stages.ts';
import { TurnRun } from './turn-run.ts';

function recorded() {
  const bus = new EventBus((err) => {
    throw err;
  });
  const events: EventEnvelope[] = [];
  bus.subscribe((e) => events.push(e));
  return { bus, events };
}

describe('a turn run', () => {
  it('brackets stages with events and reads its timings back from them, counted from its origin', async () => {
    const { bus, events } = recorded();
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const run = new TurnRun({ bus, clock }, 'voice', 'mic');
    run.countFrom(clock.now() - 300); // the end of speech was decided 300 ms ago
    run.start('transcript');
    await clock.advance(200);
    run.end('transcript');
    await expect(
      run.stage('command', async () => {
        await clock.advance(50);
        throw new KiwiError('homeassistant_failed', 'Home Assistant is down');
      }),
    ).rejects.toThrow('Home Assistant is down');
    run.end('total');
    expect(events.map((e) => [e.event, e.data.stage ?? null])).toEqual([
      ['TURN_STARTED', null],
      ['STAGE_STARTED', 'transcript'],
      ['STAGE_FINISHED', 'transcript'],
      ['STAGE_STARTED', 'command'],
      ['STAGE_FINISHED', 'command'],
      ['STAGE_FINISHED', 'total'],
    ]);
    expect(events.every((e) => e.data.turn_id === run.id)).toBe(true);
    expect(events[2]!.data).toMatchObject({ ms: 200, at_ms: 500 });
    expect(events[4]!.data).toMatchObject({ ms: 50, error: { code: 'homeassistant_failed', message: 'Home Assistant is down' } });
    // A failed stage has no timing; the others are where they ended.
    expect(run.timings()).toEqual({ transcript: 500, total: 550 });
  });

  it('gives every run its own id', () => {
    const { bus } = recorded();
    const clock = new ManualClock(0);
    expect(new TurnRun({ bus, clock }, 'text', 'text').id).not.toBe(new TurnRun({ bus, clock }, 'text', 'text').id);
  });
});

describe('turns in the engine', () => {
  const audio: Pcm = { samples: new Float32Array(160), sampleRate: 16000 };
  const tts: Tts = { name: 'fake-tts', model: 'none', synthesize: async () => audio, dispose: () => undefined };
  const answer: TurnHandler = async (request) => ({ command: 'echo', reply: [`You said ${request.text}.`] });

  function setup(handler: TurnHandler = answer, play: (signal: AbortSignal) => Promise<void> = async () => undefined) {
    const { bus, events } = recorded();
    const next = (name: 'TTS_STARTED') => new Promise<void>((resolve) => bus.on(name, () => resolve()));
    const hub = new AudioHub();
    hub.addSink({ id: 'test', play: (_audio, signal) => play(signal) });
    const engine = new Engine({ config: () => ({ ...DEFAULT_CONFIG, listening: false }), bus, hub, built: { parts: { tts }, missing: {}, notes: [], wanted: [] }, handler });
    engine.start();
    return { engine, events, next };
  }

  it('a typed chat is one turn: its id comes back at once and with the answer, and every event of it carries that id', async () => {
    const { engine, events } = setup();
    const chat = engine.chat('hello', { speak: true });
    const answered = await chat.done;
    expect(answered).toEqual({ command: 'echo', reply: 'You said hello.', turn_id: chat.id });
    const names = events.filter((e) => e.data.turn_id === chat.id).map((e) => e.event);
    expect(names[0]).toBe('TURN_STARTED');
    expect(names.at(-1)).toBe('TURN_FINISHED');
    expect(names).toEqual(expect.arrayContaining(['SPEECH_RECOGNIZED', 'COMMAND_RECEIVED', 'TTS_STARTED', 'TTS_FINISHED']));
    const finished = events.find((e) => e.event === 'TURN_FINISHED')!;
    expect(Object.keys(finished.data.timings_ms as object).sort()).toEqual(['command', 'first_audio', 'total', 'tts']);
  });

  it('speak returns a handle whose outcome says whether the line was cut off; stop is idempotent', async () => {
    const { engine, events, next } = setup(answer, (signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error))));
    const started = next('TTS_STARTED');
    const line = engine.speak('The timer is done.');
    await started;
    engine.stop();
    engine.stop();
    expect(await line.done).toEqual({ interrupted: true });
    expect(events.find((e) => e.event === 'TTS_FINISHED')!.data).toEqual({ text: 'The timer is done.', interrupted: true, turn_id: line.id });
    expect(events.filter((e) => e.event === 'TURN_FINISHED').map((e) => e.data)).toEqual([expect.objectContaining({ turn_id: line.id, source: 'announcement', reply: 'The timer is done.' })]);
    expect(engine.busy).toBe(false);
    engine.stop(); // nothing runs: nothing happens
  });
});
