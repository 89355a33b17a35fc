import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Config } from '../../contract/config.ts';
import { createRouter, type PartialHandler } from '../../dialogue/router.ts';
import { loggingRouterDeps } from '../../dialogue/testing/router-deps.ts';
import { timerHarness } from '../../timers/testing/harness.ts';
import { ManualClock } from '../../timers/testing/manual-clock.ts';
import { TimerVoice } from '../../timers/voice.ts';
import { AudioHub } from '../audio/audio-hub.ts';
import { Engine } from '../engine.ts';
import { EventBus } from '../events/event-bus.ts';
import { EnergyVad } from '../listening/testing/energy-vad.ts';
import type { ReplyPreview, TurnResult } from '../listening/turn.ts';
import type { Pcm, Tts } from '../stages.ts';

/**
 * voice.provisional_end for a command that acts ("Kiwi, set a timer for five minutes"): its turn
 * starts at the early transcript, but the router carries nothing out until the endpoint confirms
 * the words; "… and ten seconds" before then joins them, and only the joined words are carried
 * out. The engine's own Replies and router, the real timers; stand-ins: a loudness VAD that hangs
 * on 600 ms, a recognizer that hears by length, a silent voice. 100 ms frames.
 */
function setup() {
  const config: Config = {
    ...DEFAULT_CONFIG,
    wake_word_engine: 'text',
    voice: { ...DEFAULT_CONFIG.voice, preroll_ms: 0, min_silence_ms: 800, max_silence_ms: 800, speculative_ms: 200, speculate_on_voice: true, smart_endpoint: true, provisional_end: true, follow_up_s: 0 },
  };
  const clock = new ManualClock('2026-12-05T12:00:00Z');
  const timers = timerHarness({ clock });
  const voice = new TimerVoice(timers.service);
  const log: string[] = [];
  // The timers' handler, noting each command it is asked (whether it acts or passes).
  const timerCommands: PartialHandler = (request) => (log.push(`timers ${request.text}`), voice.commands(request));
  const handler = createRouter(loggingRouterDeps(log, { commands: [timerCommands], llm: false }));
  const preview: ReplyPreview = async () => null; // a timer is no command that only says something
  const tts: Tts = { name: 'silent', model: 'none', synthesize: async (): Promise<Pcm> => ({ samples: new Float32Array(160), sampleRate: 16000 }), dispose: () => undefined };
  const stt = {
    name: 'by-length',
    model: 'by-length',
    transcribe: async (audio: Pcm) => ({ text: audio.samples.length < 12 * 1600 ? 'Kiwi, set a timer for five minutes.' : 'Kiwi, set a timer for five minutes and ten seconds.', language: 'en' }),
    dispose: () => undefined,
  };
  const bus = new EventBus();
  const events: string[] = [];
  bus.subscribe((e) => {
    if (e.event === 'COMMAND_RECEIVED' || e.event === 'SPEECH_RECOGNIZED') events.push(e.event);
  });
  const engine = new Engine({ config: () => config, bus, hub: new AudioHub(), clock, built: { parts: { vad: new EnergyVad(6), stt, tts }, missing: {}, notes: [], wanted: [] }, handler, preview });
  engine.start();
  const results: TurnResult[] = [];
  let ended: () => void = () => undefined;
  const firstEnded = new Promise<void>((resolve) => (ended = resolve));
  engine.onResult((r) => {
    if (results.push(r) === 1) ended();
  });
  const session = engine.listen('mic', { awaitTurns: true });
  const play = async (frames: number[]) => {
    for (const v of frames) await session.push(new Float32Array(1600).fill(v));
  };
  const durations = () => timers.service.list().map((t) => t.duration_ms);
  return { engine, clock, log, events, results, play, durations, firstEnded };
}

const speech = (n: number) => Array<number>(n).fill(0.5);
const quiet = (n: number) => Array<number>(n).fill(0);

describe('a provisional command that acts (voice.provisional_end)', () => {
  it('starts its turn at the early transcript and sets the timer once, only after the endpoint confirmed the words', async () => {
    const { engine, clock, log, events, results, play, durations } = setup();
    await play([...quiet(2), ...speech(5), ...quiet(3)]); // the early transcript is back 200 ms after the voice; the VAD still holds the stretch
    // The turn is under way: its words are recognised and the command asked for, but nothing runs yet.
    expect(events).toEqual(['SPEECH_RECOGNIZED', 'COMMAND_RECEIVED']);
    expect(engine.state).toBe('THINKING');
    expect(log).toEqual([]);
    expect(durations()).toEqual([]);
    await clock.advance(300); // the wait for the endpoint, on the turn's clock
    await play(quiet(14)); // the VAD closes the stretch, the endpoint falls: the same words
    expect(log).toEqual(['timers set a timer for five minutes.']);
    expect(durations()).toEqual([5 * 60_000]);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ transcript: 'Kiwi, set a timer for five minutes.', command: 'timer_set', reply: 'Okay, a timer for 5 minutes.', wake: true });
    // The waterfall: the transcript was final at the provisional end; the command ran after the wait.
    const { transcript, command } = results[0]!.timings_ms;
    expect(transcript).toBeLessThan(300);
    expect(command).toBeGreaterThanOrEqual(300);
  });

  it('stopped while it waits for its words, the turn ends at once (not at the endpoint) and nothing is carried out, even when the words then stand', async () => {
    const { engine, log, results, play, durations, firstEnded } = setup();
    await play([...quiet(2), ...speech(5), ...quiet(3)]);
    expect(engine.state).toBe('THINKING');
    engine.stop();
    await firstEnded; // no more audio came: the endpoint has not fallen
    expect(results[0]).toMatchObject({ transcript: 'Kiwi, set a timer for five minutes.', command: null, reply: null, interrupted: 'stopped' });
    await play(quiet(14)); // the endpoint: the same words
    expect(log).toEqual([]);
    expect(durations()).toEqual([]);
    expect(results).toHaveLength(1);
  });

  it('"set a timer for five minutes … and ten seconds": the first words join the rest and set nothing; one timer of 5 min 10 s', async () => {
    const { log, results, play, durations } = setup();
    await play([...quiet(2), ...speech(5), ...quiet(3), ...speech(3), ...quiet(14)]);
    expect(log).toEqual(['timers set a timer for five minutes and ten seconds.']);
    expect(durations()).toEqual([5 * 60_000 + 10_000]);
    expect(results).toHaveLength(2);
    expect(results[0]).toMatchObject({ transcript: 'Kiwi, set a timer for five minutes.', ignored: 'joined with the words that followed', command: null, reply: null });
    expect(results[1]).toMatchObject({ transcript: 'Kiwi, set a timer for five minutes and ten seconds.', command: 'timer_set', reply: 'Okay, a timer for 5 minutes and 10 seconds.' });
    expect(results[1]!.ignored).toBeUndefined();
  });
});
