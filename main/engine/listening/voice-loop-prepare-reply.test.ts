import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Config } from '../../contract/config.ts';
import { ManualClock } from '../../timers/testing/manual-clock.ts';
import { testLoopHost } from './testing/loop-host.ts';
import type { TurnResult } from './turn.ts';
import { VoiceLoop, type VoiceLoopHost } from './voice-loop.ts';

/**
 * When the voice loop asks for a reply to be made ready: an early transcript (after
 * speculative_ms of quiet, before the endpoint) with complete words meant for Kiwi. Stand-ins: a
 * loudness VAD and a recognizer that writes a fixed text; the engine's side (PreparedSpeech,
 * BuiltinCommands.preview) has its own tests.
 */
function setup(said: string, identifier?: VoiceLoopHost['identifier']) {
  const config: Config = { ...DEFAULT_CONFIG, wake_word_engine: 'text', voice: { ...DEFAULT_CONFIG.voice, min_silence_ms: 500, speculative_ms: 100, follow_up_s: 0 } };
  const log: string[] = [];
  const results: TurnResult[] = [];
  const afterKiwi = (text: string) => (/^kiwi\b/i.test(text) ? { matched: true, command: text.replace(/^kiwi\W*/i, '') } : { matched: false, command: text });
  const loop = new VoiceLoop(testLoopHost(config, new ManualClock('2026-12-05T10:00:00Z'), {
    stt: { name: 'fixed', model: 'fixed', transcribe: async () => ({ text: said, language: 'en' }), dispose: () => undefined },
    matchWake: afterKiwi,
    prepareReply: (command, source, language) => void log.push(`prepare "${command}" ${source} ${language}`),
    respond: async (command) => {
      log.push(`respond "${command}"`);
      return { command, reply: 'Okay.' };
    },
    result: (r) => results.push(r),
    identifier,
  }));
  const session = loop.session('mic', { awaitTurns: true });
  const say = async () => {
    for (let i = 0; i < 35; i++) await session.push(new Float32Array(1600).fill(i < 5 ? 0.5 : 0));
    return { log, result: results.at(-1) };
  };
  return { say };
}

describe('a reply made ready from the early transcript', () => {
  it('is asked for with the command after the wake word, before the turn responds', async () => {
    const { log } = await setup('Kiwi, what time is it?').say();
    expect(log).toEqual(['prepare "what time is it?" mic en', 'respond "what time is it?"']);
  });

  it('is not asked for words still going on, nor for speech not meant for Kiwi', async () => {
    const unfinished = await setup('Kiwi, set a timer for').say();
    expect(unfinished.log).toEqual(['respond "set a timer for"']);
    const notForKiwi = await setup('What time is it?').say();
    expect(notForKiwi.log).toEqual([]);
    expect(notForKiwi.result).toMatchObject({ ignored: 'no wake word' });
  });

  it("starts on the speaker's voice too: the turn identifies the speaker on that same audio", async () => {
    const seen: Array<{ what: string; samples: Float32Array }> = [];
    const identifier = {
      prepare: (audio: { samples: Float32Array }) => void seen.push({ what: 'prepare', samples: audio.samples }),
      identify: async (audio: { samples: Float32Array }) => (seen.push({ what: 'identify', samples: audio.samples }), null),
    };
    await setup('Kiwi, what time is it?', identifier).say();
    expect(seen.map((s) => s.what)).toEqual(['prepare', 'identify']);
    expect(seen[0]!.samples.length).toBeGreaterThan(0);
    expect(seen[1]!.samples).toBe(seen[0]!.samples);
  });
});
