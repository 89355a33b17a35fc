import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Config } from '../../contract/config.ts';
import { ManualClock } from '../../timers/testing/manual-clock.ts';
import { EnergyVad } from './testing/energy-vad.ts';
import { testLoopHost } from './testing/loop-host.ts';
import type { SpeakerIdentifier, TurnResult } from './turn.ts';
import { VoiceLoop } from './voice-loop.ts';

/**
 * voice.provisional_end in the voice loop: "Kiwi, what time is it" ends at its early transcript
 * and its turn starts answering; "… in Tokyo" within the endpoint's old wait joins it. Stand-ins:
 * a loudness VAD that hangs on 600 ms, a recognizer that hears by length, and an answer that is
 * still playing until the loop cancels it (the engine's own cancel: TurnSlot, tested there).
 */
function setup({ identifier, awaitTurns = true, sayOnly = true }: { identifier?: SpeakerIdentifier; awaitTurns?: boolean; sayOnly?: boolean } = {}) {
  const config: Config = {
    ...DEFAULT_CONFIG,
    wake_word_engine: 'text',
    voice: { ...DEFAULT_CONFIG.voice, preroll_ms: 0, min_silence_ms: 800, max_silence_ms: 800, speculative_ms: 200, speculate_on_voice: true, provisional_end: true, follow_up_s: 0 },
  };
  const log: string[] = [];
  const results: TurnResult[] = [];
  let ended: () => void = () => undefined;
  let endedOne: () => void = () => undefined;
  const twoEnded = new Promise<void>((resolve) => (ended = resolve));
  const oneEnded = new Promise<void>((resolve) => (endedOne = resolve));
  const playing = new Map<string, (outcome: { command: string; reply: string; interrupted?: string }) => void>();
  const settles: Array<Promise<boolean> | undefined> = [];
  const loop: VoiceLoop = new VoiceLoop(
    testLoopHost(config, new ManualClock('2026-12-05T10:00:00Z'), {
      makeVad: () => new EnergyVad(6),
      stt: {
        name: 'by-length',
        model: 'by-length',
        transcribe: async (audio) => ({ text: audio.samples.length < 12 * 1600 ? 'Kiwi, what time is it?' : 'Kiwi, what time is it in Tokyo?', language: 'en' }),
        dispose: () => undefined,
      },
      matchWake: (text) => (/^kiwi\b/i.test(text) ? { matched: true, command: text.replace(/^kiwi\W*/i, '') } : { matched: false, command: text }),
      // The engine's answer (Replies.prepare over the built-ins' preview): only the time is say-only here.
      prepareReply: async (command) => sayOnly && command === 'what time is it?',
      respond: (command, heard) => {
        log.push(`respond "${command}"`);
        settles.push(heard.settled);
        // As the router does: nothing runs until the words stand (router.test.ts, provisional-command.test.ts).
        if (!sayOnly) return heard.settled!.then((stands) => (stands ? { command: 'llm', reply: 'It is ten.' } : { command: null, reply: null }));
        if (command !== 'what time is it?') return Promise.resolve({ command: 'llm', reply: 'In Tokyo it is seven.' });
        loop.speakingChanged(true); // its reply is playing
        return new Promise((resolve) => playing.set(heard.turn.id, resolve));
      },
      cancelTurn: (turnId, reason) => {
        log.push(`cancel ${reason.code}`);
        loop.speakingChanged(false);
        playing.get(turnId)?.({ command: 'time', reply: "It's ten.", interrupted: reason.code });
      },
      result: (r) => {
        const n = results.push(r);
        if (n === 1) endedOne();
        if (n === 2) ended();
      },
      identifier,
    }),
  );
  const session = loop.session('mic', { awaitTurns });
  const play = async (frames: number[]) => {
    for (const v of frames) await session.push(new Float32Array(1600).fill(v));
  };
  return { loop, log, results, play, playing, oneEnded, twoEnded, settles };
}

const speech = (n: number) => Array<number>(n).fill(0.5);
const quiet = (n: number) => Array<number>(n).fill(0);

describe('VoiceLoop: a provisional end and the words that join it', () => {
  it('cancels the provisional turn, which ends once, and understands the joined words as one turn (not as echo)', async () => {
    const { log, results, play, playing, settles } = setup();
    await play([...quiet(2), ...speech(5), ...quiet(3)]);
    // Ended at the early transcript: the turn answers while the VAD still holds the stretch.
    expect(log).toEqual(['respond "what time is it?"']);
    expect(playing.size).toBe(1);
    await play([...speech(3), ...quiet(14)]); // "… in Tokyo", while the first reply plays
    expect(log).toEqual(['respond "what time is it?"', 'cancel joined', 'respond "what time is it in Tokyo?"']);
    expect(results).toHaveLength(2);
    expect(results[0]).toMatchObject({ transcript: 'Kiwi, what time is it?', command: 'time', interrupted: 'joined' });
    expect(results[1]).toMatchObject({ transcript: 'Kiwi, what time is it in Tokyo?', command: 'llm', reply: 'In Tokyo it is seven.', wake: true });
    expect(results[1]!.ignored).toBeUndefined();
    expect(results[1]!.turn_id).not.toBe(results[0]!.turn_id);
    // The provisional turn's waterfall shows its early endpoint.
    expect(results[0]!.timings_ms).toHaveProperty('endpoint');
    // A command that only says something acts on nothing: neither turn waits for its words to stand.
    expect(settles).toEqual([undefined, undefined]);
  });

  it("joined words are the user's even when their voice print sounds like Kiwi's: they began before its reply played", async () => {
    // A user voice close to Kiwi's own (both espeak-ng in a test, or a look-alike TTS voice): the print says 'self'.
    const identifier: SpeakerIdentifier = { identify: async () => 'self' };
    const { results, play } = setup({ identifier });
    await play([...quiet(2), ...speech(5), ...quiet(3), ...speech(3), ...quiet(14)]); // "… in Tokyo" over the first reply
    expect(results).toHaveLength(2);
    expect(results[1]).toMatchObject({ transcript: 'Kiwi, what time is it in Tokyo?', command: 'llm' });
    expect(results[1]!.ignored).toBeUndefined();
  });

  it('hands a command that may act its `settled`; the source leaving while it waits ends the turn ignored, its words not standing', async () => {
    const { loop, log, results, play, settles, oneEnded } = setup({ sayOnly: false, awaitTurns: false });
    await play([...quiet(2), ...speech(5), ...quiet(3)]);
    expect(log).toEqual(['respond "what time is it?"']);
    expect(settles).toHaveLength(1);
    expect(await Promise.race([settles[0], 'pending'])).toBe('pending');
    await loop.cancelSource('mic');
    expect(await settles[0]).toBe(false);
    await oneEnded;
    expect(results).toEqual([expect.objectContaining({ transcript: 'Kiwi, what time is it?', wake: true, command: null, reply: null, ignored: 'the source left' })]);
  });

  it('a provisional turn that is not answering yet when the words join it ends ignored, and only the joined words are answered', async () => {
    let release: () => void = () => undefined;
    let calls = 0;
    // The first turn's speaker is still being identified (held by the test) while the words go on.
    const identifier: SpeakerIdentifier = { identify: () => (calls++ === 0 ? new Promise((resolve) => (release = () => resolve(null))) : Promise.resolve(null)) };
    const { log, results, play, twoEnded } = setup({ identifier, awaitTurns: false });
    await play([...quiet(2), ...speech(5), ...quiet(3), ...speech(3), ...quiet(14)]);
    expect(log).toEqual(['cancel joined']); // (the engine cancels only the turn that runs: this one does not yet)
    release();
    await twoEnded;
    expect(results[0]).toMatchObject({ transcript: 'Kiwi, what time is it?', ignored: 'joined with the words that followed', command: null, reply: null });
    expect(results[1]).toMatchObject({ transcript: 'Kiwi, what time is it in Tokyo?', command: 'llm' });
    expect(log).toEqual(['cancel joined', 'respond "what time is it in Tokyo?"']);
  });
});
