import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../contract/config.ts';
import type { EventData } from '../../contract/events.ts';
import { KiwiError } from '../../platform/errors.ts';
import { ManualClock } from '../../timers/testing/manual-clock.ts';
import { AudioHub } from '../audio/audio-hub.ts';
import { Engine } from '../engine.ts';
import { EventBus } from '../events/event-bus.ts';
import type { TurnHandler } from '../listening/turn.ts';
import type { Tts } from '../stages.ts';

/**
 * A typed turn cut short while its reply plays: the command already ran (a timer is set), so the
 * turn still names it and its reply, and says why it was cut short. Stand-ins: a handler that
 * "sets a timer", a TTS that records what it was asked, a speaker that plays until it is stopped.
 */
function setup(options: { ttsFails?: boolean } = {}) {
  const bus = new EventBus();
  const hub = new AudioHub();
  hub.addSink({ id: 'held', play: (_audio, signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true })) });
  const asked: string[] = [];
  const tts: Tts = {
    name: 'recording',
    model: 'none',
    synthesize: async (text) => {
      asked.push(text);
      if (options.ttsFails) throw new KiwiError('tts_failed', 'the voice model could not be run');
      return { samples: new Float32Array(160), sampleRate: 16000 };
    },
    dispose: () => undefined,
  };
  const handler: TurnHandler = async ({ text }) =>
    text.includes('timer')
      ? { command: 'timer', reply: ['Timer set for 5 minutes.', 'I will tell you when it rings.'] }
      : text === 'stop'
        ? { command: 'stop', reply: null }
        : { command: 'time', reply: ["It's noon."] };
  const engine = new Engine({ config: () => DEFAULT_CONFIG, bus, hub, clock: new ManualClock('2026-12-05T12:00:00Z'), built: { parts: { tts }, missing: {}, notes: [], wanted: [] }, handler });
  const finished: Array<EventData<'TURN_FINISHED'>> = [];
  bus.on('TURN_FINISHED', (data) => finished.push(data));
  const stages: Array<{ event: string; stage: string; turn_id: string; error?: { code: string } }> = [];
  bus.on('STAGE_STARTED', (data) => stages.push({ event: 'started', ...data }));
  bus.on('STAGE_FINISHED', (data) => stages.push({ event: 'finished', stage: data.stage, turn_id: data.turn_id, ...(data.error ? { error: data.error } : {}) }));
  const speaking = (turnId: string) => new Promise<void>((resolve) => bus.on('TTS_STARTED', (data) => data.turn_id === turnId && resolve()));
  return { engine, finished, speaking, asked, stages };
}

describe('a typed turn cut short while its reply plays', () => {
  it('keeps the command that ran and its reply when stopped', async () => {
    const { engine, finished, speaking } = setup();
    const turn = engine.chat('set a timer for 5 minutes', { speak: true });
    await speaking(turn.id);
    engine.stop();
    expect(await turn.done).toEqual({ turn_id: turn.id, command: 'timer', reply: 'Timer set for 5 minutes. I will tell you when it rings.', interrupted: 'stopped' });
    expect(finished.at(-1)).toMatchObject({ turn_id: turn.id, command: 'timer', reply: 'Timer set for 5 minutes. I will tell you when it rings.', interrupted: 'stopped' });
  });

  it('keeps them when a newer turn replaces it', async () => {
    const { engine, finished, speaking, asked } = setup();
    const first = engine.chat('set a timer for 5 minutes', { speak: true });
    await speaking(first.id);
    const second = engine.chat('what time is it', { speak: true });
    const secondSpeaking = speaking(second.id);
    expect(await first.done).toMatchObject({ command: 'timer', reply: 'Timer set for 5 minutes. I will tell you when it rings.', interrupted: 'superseded' });
    await secondSpeaking;
    engine.stop();
    await second.done;
    expect(finished.find((f) => f.turn_id === first.id)).toMatchObject({ command: 'timer', interrupted: 'superseded' });
    // Each sentence was synthesised once: the new reply did not make the TTS go over the old one again.
    expect(asked).toEqual(['Timer set for 5 minutes.', 'I will tell you when it rings.', "It's noon."]);
  });

  it('has no `interrupted` when it ran to its end', async () => {
    const { engine } = setup();
    const answer = await engine.chat('what time is it', { speak: false }).done;
    expect(answer).toEqual({ turn_id: answer.turn_id, command: 'time', reply: "It's noon." });
  });
});

describe('an announcement or a typed turn that ends early still ends, saying why', () => {
  it('an announcement stopped while it plays: its TURN_FINISHED says interrupted', async () => {
    const { engine, finished, speaking } = setup();
    const turn = engine.speak('This is a test of the voice.');
    await speaking(turn.id);
    engine.stop();
    expect(await turn.done).toEqual({ interrupted: true });
    expect(finished).toHaveLength(1);
    expect(finished[0]).toMatchObject({ turn_id: turn.id, interrupted: 'stopped' });
  });

  it('an announcement whose voice fails: its TURN_FINISHED has the coded error', async () => {
    const { engine, finished, stages } = setup({ ttsFails: true });
    const turn = engine.speak('This is a test of the voice.');
    await turn.done;
    expect(finished).toHaveLength(1);
    expect(finished[0]).toMatchObject({ turn_id: turn.id, error: { code: 'tts_failed', message: expect.stringContaining('could not be run') } });
    // Its speech stage failed too: not a time in the waterfall.
    expect(stages.find((s) => s.turn_id === turn.id && s.stage === 'tts' && s.event === 'finished')?.error?.code).toBe('tts_failed');
    expect(finished[0]!.timings_ms).not.toHaveProperty('tts');
  });

  it('a typed turn whose voice fails: the caller gets the error and the turn ends once, with it', async () => {
    const { engine, finished } = setup({ ttsFails: true });
    const turn = engine.chat('what time is it', { speak: true });
    await expect(turn.done).rejects.toThrow('could not be run');
    expect(finished).toHaveLength(1);
    expect(finished[0]).toMatchObject({ turn_id: turn.id, transcript: 'what time is it', error: { code: 'tts_failed' } });
  });

  it('every stage a turn started ends, also when no audio came: nothing to say, or not spoken', async () => {
    const { engine, finished, stages } = setup();
    const silent = engine.chat('stop', { speak: true });
    await silent.done;
    const unspoken = engine.chat('what time is it', { speak: false });
    await unspoken.done;
    for (const turn of [silent, unspoken]) {
      const mine = stages.filter((s) => s.turn_id === turn.id);
      const open = mine.filter((s) => s.event === 'started').map((s) => s.stage);
      for (const stage of open) expect(mine.filter((s) => s.event === 'finished' && s.stage === stage), `${stage} of ${turn.id}`).toHaveLength(1);
    }
    expect(stages.find((s) => s.turn_id === silent.id && s.stage === 'first_audio' && s.event === 'finished')?.error?.code).toBe('no_audio');
    // A failed stage is left out of the timings: no first audio is claimed.
    expect(finished.find((f) => f.turn_id === silent.id)?.timings_ms).not.toHaveProperty('first_audio');
    expect(finished.find((f) => f.turn_id === unspoken.id)?.timings_ms).not.toHaveProperty('first_audio');
  });
});

