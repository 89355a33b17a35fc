import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Config } from '../../contract/config.ts';
import { ManualClock } from '../../timers/testing/manual-clock.ts';
import type { TranscribeOptions, Transcript, WakeWord } from '../stages.ts';
import { testLoopHost } from './testing/loop-host.ts';
import type { TurnResult } from './turn.ts';
import { VoiceLoop } from './voice-loop.ts';

/**
 * What the voice loop asks of the recognizer when a keyword spotter heard the wake word. Stand-ins:
 * a loudness VAD, a spotter that fires on any loud frame, and a recognizer that writes the
 * opening it was asked for (as Whisper does when it finds it likely); the real decoding is tested
 * in stt.models.test.ts, the whole two-stage wake in two-stage-wake.models.test.ts.
 */
function setup(engine: Config['wake_word_engine'], wakeConfirm: Config['voice']['wake_confirm']) {
  const config: Config = {
    ...DEFAULT_CONFIG,
    wake_word_engine: engine,
    voice: { ...DEFAULT_CONFIG.voice, min_silence_ms: 100, speculative_ms: 0, follow_up_s: 0, wake_confirm: wakeConfirm },
  };
  const asked: TranscribeOptions[] = [];
  const results: TurnResult[] = [];
  let fed = 0;
  const spotter: WakeWord = {
    name: 'loud',
    accept: async (samples) => {
      fed += samples.length;
      return samples.some((s) => s > 0.1) ? { keyword: 'kiwi', score: 1, at: fed } : null;
    },
    reset: () => undefined,
    fork: () => spotter,
    dispose: () => undefined,
  };
  const startsWithKiwi = (text: string) => (/^kiwi\b/i.test(text) ? { matched: true, command: text.replace(/^kiwi\W*/i, '') } : { matched: false, command: text });
  const loop = new VoiceLoop(testLoopHost(config, new ManualClock('2026-12-05T10:00:00Z'), {
    stt: {
      name: 'keyweets',
      model: 'keyweets',
      transcribe: async (_audio, options): Promise<Transcript> => {
        asked.push(options);
        return { text: `${options.opening?.text ?? 'Keyweets'}, stop.`, language: 'en' };
      },
      dispose: () => undefined,
    },
    makeWake: engine === 'text' ? undefined : () => spotter,
    matchWake: startsWithKiwi,
    confirmWake: startsWithKiwi,
    respond: async (command) => ({ command, reply: 'Stopped.' }),
    result: (r) => results.push(r),
  }));
  const session = loop.session('mic', { awaitTurns: true });
  const say = async () => {
    for (let i = 0; i < 10; i++) await session.push(new Float32Array(1600).fill(i < 5 ? 0.5 : 0));
    return results.at(-1)!;
  };
  return { say, asked };
}

describe('the transcript of an utterance the spotter heard', () => {
  it('may open with the wake word, written as a name, when the transcript confirms the spotter', async () => {
    const { say, asked } = setup('kws', 'transcript');
    expect(await say()).toMatchObject({ wake: true, command: 'stop.', reply: 'Stopped.' });
    expect(asked.map((o) => o.opening)).toEqual([{ text: 'Kiwi', minLogprob: -5 }]);
  });

  it('is transcribed as heard when the spotter decides alone or there is no spotter', async () => {
    for (const [engine, confirm] of [['kws', 'off'], ['text', 'transcript']] as const) {
      const { say, asked } = setup(engine, confirm);
      await say();
      expect(asked, `${engine}, wake_confirm ${confirm}`).toHaveLength(1);
      expect(asked[0]!.opening).toBeUndefined();
    }
  });
});
