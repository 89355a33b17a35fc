import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../contract/config.ts';
import type { EventData } from '../../contract/events.ts';
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
function setup() {
  const bus = new EventBus();
  const hub = new AudioHub();
  hub.addSink({ id: 'held', play: (_audio, signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true })) });
  const asked: string[] = [];
  const tts: Tts = {
    name: 'recording',
    model: 'none',
    synthesize: async (text) => {
      asked.push(text);
      return { samples: new Float32Array(160), sampleRate: 16000 };
    },
    dispose: () => undefined,
  };
  const handler: TurnHandler = async ({ text }) =>
    text.includes('timer') ? { command: 'timer', reply: ['Timer set for 5 minutes.', 'I will tell you when it rings.'] } : { command: 'time', reply: ["It's noon."] };
  const engine = new Engine({ config: () => DEFAULT_CONFIG, bus, hub, clock: new ManualClock('2026-12-05T12:00:00Z'), built: { parts: { tts }, missing: {}, notes: [], wanted: [] }, handler });
  const finished: Array<EventData<'TURN_FINISHED'>> = [];
  bus.on('TURN_FINISHED', (data) => finished.push(data));
  const speaking = (turnId: string) => new Promise<void>((resolve) => bus.on('TTS_STARTED', (data) => data.turn_id === turnId && resolve()));
  return { engine, finished, speaking, asked };
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
