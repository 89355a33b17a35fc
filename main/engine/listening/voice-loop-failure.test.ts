import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Config } from '../../contract/config.ts';
import type { EventEnvelope } from '../../contract/events.ts';
import { systemClock } from '../../platform/clock.ts';
import { KiwiError } from '../../platform/errors.ts';
import { EventBus } from '../events/event-bus.ts';
import type { Stt } from '../stages.ts';
import { testLoopHost } from './testing/loop-host.ts';
import type { TurnResult } from './turn.ts';
import { VoiceLoop, type VoiceLoopHost } from './voice-loop.ts';

/**
 * A turn whose stage throws (the recognizer, the voice, the command) still ends: TURN_FINISHED once,
 * with a coded error, besides the ERROR event. Stand-ins: a loudness VAD and scripted stages.
 */
describe('VoiceLoop: a failing turn', () => {
  const config: Config = { ...DEFAULT_CONFIG, wake_word_engine: 'text', voice: { ...DEFAULT_CONFIG.voice, min_silence_ms: 100 } };

  function loop(parts: { stt: Stt; respond?: VoiceLoopHost['respond'] }) {
    const bus = new EventBus();
    const events: EventEnvelope[] = [];
    bus.subscribe((e) => events.push(e));
    const results: TurnResult[] = [];
    const respond: VoiceLoopHost['respond'] = parts.respond ?? (async (command) => ({ command, reply: 'ok' }));
    const voice = new VoiceLoop(testLoopHost(config, systemClock, { bus, stt: parts.stt, matchWake: (text) => ({ matched: true, command: text }), respond, result: (r) => results.push(r) }));
    /** One utterance (0.5 s of sound, 0.5 s of quiet), and the source ends: every turn has run. */
    const say = async () => {
      const session = voice.session('mic', { awaitTurns: true });
      for (let i = 0; i < 10; i++) await session.push(new Float32Array(1600).fill(i < 5 ? 0.5 : 0));
      await voice.endSource('mic');
    };
    const started = () => events.filter((e) => e.event === 'TURN_STARTED');
    /** Speech begins (its turn starts), and the source leaves before it ends. */
    const leaveMidSpeech = async () => {
      const session = voice.session('mic', { awaitTurns: true });
      for (let i = 0; i < 5; i++) await session.push(new Float32Array(1600).fill(0.5));
      await voice.cancelSource('mic');
    };
    return { say, leaveMidSpeech, results, events, started };
  }

  const stt = (transcribe: Stt['transcribe']): Stt => ({ name: 'scripted', model: 'scripted', transcribe, dispose: () => undefined });

  it('the recognizer throwing ends the turn with its coded error', async () => {
    const t = loop({ stt: stt(() => Promise.reject(new KiwiError('stt_failed', 'the model could not be run'))) });
    await t.say();
    expect(t.started()).toHaveLength(1);
    expect(t.results).toHaveLength(1);
    expect(t.results[0]).toMatchObject({ turn_id: t.started()[0]!.data.turn_id, command: null, reply: null, error: { code: 'stt_failed', message: expect.stringContaining('could not be run') } });
    expect(t.events.find((e) => e.event === 'ERROR')?.data).toMatchObject({ code: 'stt_failed', turn_id: t.results[0]!.turn_id });
  });

  it('the answer throwing (its voice failed) ends the turn once, with the error', async () => {
    const t = loop({
      stt: stt(async () => ({ text: 'kiwi what time is it', language: 'en' })),
      respond: () => Promise.reject(new Error('piper crashed')),
    });
    await t.say();
    expect(t.results).toHaveLength(1);
    expect(t.results[0]!.error).toEqual({ code: 'turn_failed', message: expect.stringContaining('piper crashed') });
    // What was heard is kept with it.
    expect(t.results[0]).toMatchObject({ wake: true, transcript: 'kiwi what time is it', language: 'en', command: null, reply: null });
  });

  it('a turn that ended before its failure is not ended twice', async () => {
    let calls = 0;
    const t = loop({ stt: stt(async () => ({ text: 'kiwi what time is it', language: 'en' })) });
    const results = t.results;
    // A result listener that throws after the turn ended (e.g. a CLI writer failing).
    results.push = (r: TurnResult) => {
      calls++;
      Array.prototype.push.call(results, r);
      if (calls === 1) throw new Error('listener failed');
      return results.length;
    };
    await t.say();
    expect(calls).toBe(1);
  });

  it('a source that leaves mid-speech: the turn its speech started still ends, saying why', async () => {
    const t = loop({ stt: stt(async () => ({ text: 'kiwi what time is it', language: 'en' })) });
    await t.leaveMidSpeech();
    expect(t.events.filter((e) => e.event === 'SPEECH_STARTED')).toHaveLength(1);
    expect(t.started()).toHaveLength(1);
    expect(t.results).toEqual([expect.objectContaining({ turn_id: t.started()[0]!.data.turn_id, ignored: 'the source left', command: null })]);
  });
});

