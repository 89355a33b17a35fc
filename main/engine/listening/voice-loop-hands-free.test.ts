import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Config } from '../../contract/config.ts';
import { ManualClock } from '../../timers/testing/manual-clock.ts';
import type { Transcript, WakeWord } from '../stages.ts';
import { OwnerHandsFree } from './hands-free.ts';
import { testLoopHost } from './testing/loop-host.ts';
import type { IdentifiedSpeaker, TurnResult } from './turn.ts';
import { VoiceLoop } from './voice-loop.ts';

/**
 * The voice loop's wake decision with owner hands-free on. Stand-ins: a loudness VAD, a recognizer
 * that hears "what time is it", a speaker identifier told who speaks next, and (acoustic mode) a
 * wake-word detector that never fires: the real stages are tested on real models elsewhere.
 */
const owner: IdentifiedSpeaker = { id: 'spk_owner', name: 'Olga', priority: 0, confidence: 0.9, blocked: false };
const guest: IdentifiedSpeaker = { id: 'spk_guest', name: 'Gil', priority: 2, confidence: 0.9, blocked: false };
const silentWake: WakeWord = { name: 'never', accept: async () => null, reset: () => undefined, fork: () => silentWake, dispose: () => undefined };

function setup(engine: Config['wake_word_engine']) {
  const config: Config = {
    ...DEFAULT_CONFIG,
    wake_word_engine: engine,
    voice: { ...DEFAULT_CONFIG.voice, min_silence_ms: 100, speculative_ms: 0, follow_up_s: 0, owner_hands_free: { enabled: true, guest_cooldown_s: 120 } },
  };
  const clock = new ManualClock('2026-12-04T18:00:00Z');
  const handsFree = new OwnerHandsFree({ settings: () => config.voice.owner_hands_free, ownerEnrolled: () => true, clock, changed: () => undefined });
  const speaking: { next: IdentifiedSpeaker | null } = { next: owner };
  const results: TurnResult[] = [];
  const transcribed: string[] = [];
  const loop = new VoiceLoop(testLoopHost(config, clock, {
    stt: {
      name: 'said',
      model: 'said',
      transcribe: async (): Promise<Transcript> => {
        transcribed.push('what time is it');
        return { text: 'what time is it', language: 'en' };
      },
      dispose: () => undefined,
    },
    makeWake: engine === 'text' ? undefined : () => silentWake,
    identifier: { identify: async () => speaking.next },
    handsFree,
    matchWake: (text) => (text.startsWith('kiwi') ? { matched: true, command: text.slice(4) } : { matched: false, command: text }),
    respond: async (command) => ({ command, reply: 'It is six.' }),
    result: (r) => results.push(r),
  }));
  const session = loop.session('mic', { awaitTurns: true });
  /** One utterance (0.5 s of speech, 0.5 s of silence) from whoever `speaking.next` is. */
  const say = async (who: IdentifiedSpeaker | null) => {
    speaking.next = who;
    for (let i = 0; i < 10; i++) await session.push(new Float32Array(1600).fill(i < 5 ? 0.5 : 0));
    return results.at(-1)!;
  };
  return { say, clock, results, transcribed };
}

describe.each(['kws', 'text'] as const)('hands-free in the voice loop (wake engine %s)', (engine) => {
  it('the owner is answered without the wake word; after a guest speaks, only once the cooldown has passed', async () => {
    const { say, clock } = setup(engine);
    expect(await say(owner)).toMatchObject({ wake: false, command: 'what time is it', reply: 'It is six.' });
    expect(await say(guest)).toMatchObject({ ignored: 'no wake word' });
    expect(await say(owner)).toMatchObject({ ignored: 'no wake word' });
    await clock.advance(120_000);
    expect(await say(owner)).toMatchObject({ command: 'what time is it' });
    expect(await say(null)).toMatchObject({ ignored: 'no wake word' }); // an unknown voice is another voice too
    expect(await say(owner)).toMatchObject({ ignored: 'no wake word' });
  });
});

it('with an acoustic wake word, a voice that may not go on hands-free is not transcribed at all', async () => {
  const { say, transcribed } = setup('kws');
  await say(guest);
  expect(transcribed).toEqual([]);
  await say(owner); // closed by the guest: identified, refused, still not transcribed
  expect(transcribed).toEqual([]);
});
