import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../contract/config.ts';
import { ListeningSession, type SessionHooks, type Utterance } from './listening-session.ts';
import { EnergyVad } from './testing/energy-vad.ts';

/**
 * voice.provisional_end on a session with a scripted energy VAD (it hangs on 600 ms after the
 * voice, as Silero does ~300 ms) and scripted early transcripts: 100 ms frames, no pre-roll.
 */
const FRAME = 1600;
const ONSET_LAG = 0.19 * 16000; // a guess on the voice starts this far before the VAD's stretch (early-transcript.ts)
const speech = (n: number) => Array<number>(n).fill(0.5);
const quiet = (n: number) => Array<number>(n).fill(0);

/** `heard(samples)`: what the early transcript of these samples says, and, for a command for Kiwi, whether it only says something. */
function setup(heard: (samples: number) => { text: string; sayOnly?: boolean }, options: { voice?: Partial<typeof DEFAULT_CONFIG.voice>; bargeIn?: boolean; hangOver?: number } = {}) {
  const voice = { ...DEFAULT_CONFIG.voice, preroll_ms: 0, min_silence_ms: 800, max_silence_ms: 800, speculative_ms: 200, speculate_on_voice: true, provisional_end: true, ...options.voice };
  const vad = new EnergyVad(options.hangOver ?? 6);
  const utterances: Utterance[] = [];
  const guesses: string[] = [];
  const speculate: SessionHooks['speculate'] = async (samples) => {
    const { text, sayOnly } = heard(samples.length);
    guesses.push(text);
    return { text, language: 'en', verdict: 'complete', sayOnly };
  };
  const kiwi = { speaking: false, bargedIn: 0 };
  const hooks: SessionHooks = {
    speechStarted: () => undefined,
    wake: () => undefined,
    utterance: (u) => void utterances.push(u),
    bargeIn: () => void kiwi.bargedIn++,
    speaking: () => kiwi.speaking,
    speculate,
  };
  const session = new ListeningSession('test', { vad, ...(options.bargeIn ? { bargeInVad: new EnergyVad() } : {}) }, () => voice, hooks, { awaitTurns: true });
  const play = async (frames: number[]) => {
    for (const v of frames) await session.push(new Float32Array(FRAME).fill(v));
  };
  const spans = () => utterances.map((u) => [u.start, u.end, u.provisional ?? false, u.joined ?? false]);
  return { session, vad, utterances, guesses, play, spans, kiwi };
}

const time = () => ({ text: 'what time is it', sayOnly: true });

describe('ListeningSession: provisional end (voice.provisional_end)', () => {
  it('ends a complete say-only command at its early transcript, before the VAD closes and before COMPLETE_SILENCE', async () => {
    const { vad, utterances, play, spans } = setup(time);
    await play([...quiet(2), ...speech(5), ...quiet(2)]); // the voice stopped at frame 7; 200 ms later the guess is back
    expect(vad.speaking).toBe(true); // the VAD still holds the stretch
    // Ended at the guess: its span is the guess's (from the VAD's onset lag to the voice's end and the VAD's usual tail).
    expect(spans()).toEqual([[2 * FRAME - ONSET_LAG, 8 * FRAME, true, false]]);
    expect(await utterances[0]!.early!.result).toMatchObject({ text: 'what time is it' });
    // The VAD closes the stretch and the endpoint it anticipated comes: no second utterance for the same audio.
    await play(quiet(12));
    expect(spans()).toHaveLength(1);
    // The endpointer is back to rest: the next command is an utterance of its own, where it lies.
    await play([...speech(5), ...quiet(2)]);
    expect(spans()).toEqual([
      [2 * FRAME - ONSET_LAG, 8 * FRAME, true, false],
      [21 * FRAME - ONSET_LAG, 27 * FRAME, true, false],
    ]);
  });

  it('a complete command that may act (a timer) ends there too, but its words stand (`settled`) only once the endpoint comes', async () => {
    const { utterances, play, spans } = setup(() => ({ text: 'set a timer for ten minutes', sayOnly: false }));
    await play([...quiet(2), ...speech(5), ...quiet(2)]);
    expect(spans()).toEqual([[2 * FRAME - ONSET_LAG, 8 * FRAME, true, false]]);
    const settled = utterances[0]!.settled!;
    expect(await Promise.race([settled, 'pending'])).toBe('pending');
    await play(quiet(3)); // the VAD still holds the stretch
    expect(await Promise.race([settled, 'pending'])).toBe('pending');
    await play(quiet(9)); // the endpoint, with the same words
    expect(await settled).toBe(true);
    expect(spans()).toHaveLength(1);
  });

  it('a command that only says something carries no `settled`: its answer acts on nothing', async () => {
    const { utterances, play } = setup(time);
    await play([...quiet(2), ...speech(5), ...quiet(2)]);
    expect(utterances).toHaveLength(1);
    expect(utterances[0]!.settled).toBeUndefined();
  });

  it('the source leaving while a provisional command waits: its words do not stand', async () => {
    const { session, utterances, play } = setup(() => ({ text: 'set a timer for ten minutes', sayOnly: false }));
    await play([...quiet(2), ...speech(5), ...quiet(2)]);
    session.cancel();
    expect(await utterances[0]!.settled).toBe(false);
  });

  it('complete words that are no command for Kiwi wait as before, and so does everything with provisional_end off', async () => {
    for (const [heard, overrides] of [
      [() => ({ text: 'set a timer for ten minutes' }), {}],
      [time, { voice: { provisional_end: false } }],
    ] as const) {
      const { play, spans } = setup(heard, overrides);
      await play([...quiet(2), ...speech(5), ...quiet(2)]);
      expect(spans()).toEqual([]);
      await play(quiet(12));
      // The VAD closed the stretch at frame 13; the voice had been quiet 400 ms by then.
      expect(spans()).toEqual([[2 * FRAME, 13 * FRAME, false, false]]);
    }
  });

  it('words that follow before the endpoint would have fallen ("what time is it … in Tokyo") are joined to it: one utterance with all the audio', async () => {
    const { utterances, guesses, play, spans } = setup((n) => (n < 12 * FRAME ? time() : { text: 'what time is it in tokyo', sayOnly: false }));
    await play([...quiet(2), ...speech(5), ...quiet(3)]);
    expect(spans()).toEqual([[2 * FRAME - ONSET_LAG, 8 * FRAME, true, false]]);
    await play([...speech(3), ...quiet(14)]); // a 300 ms pause, then "in Tokyo"
    expect(guesses).toEqual(['what time is it', 'what time is it in tokyo']);
    const start = 2 * FRAME - ONSET_LAG;
    // The VAD held the stretch through the pause and closed it 600 ms after "Tokyo" (frame 19).
    expect(spans()).toEqual([
      [start, 8 * FRAME, true, false],
      [start, 19 * FRAME, false, true],
    ]);
    expect(utterances[1]!.samples.length).toBe(19 * FRAME - start); // the whole audio, from the provisional start
    expect(await utterances[1]!.early!.result).toMatchObject({ text: 'what time is it in tokyo' });
  });

  it('a command that may act, joined by the words that follow: its words do not stand, and the joined utterance is no provisional one', async () => {
    const five = { text: 'set a timer for five minutes', sayOnly: false };
    const { utterances, play, spans } = setup((n) => (n < 12 * FRAME ? five : { text: 'set a timer for five minutes and ten seconds', sayOnly: false }));
    await play([...quiet(2), ...speech(5), ...quiet(3)]);
    const settled = utterances[0]!.settled!;
    await play(speech(3)); // "… and ten seconds"
    expect(await Promise.race([settled, 'pending'])).toBe('pending'); // the endpoint has not come yet
    await play(quiet(14));
    expect(await settled).toBe(false);
    const start = 2 * FRAME - ONSET_LAG;
    expect(spans()).toEqual([
      [start, 8 * FRAME, true, false],
      [start, 19 * FRAME, false, true],
    ]);
    expect(utterances[1]!.settled).toBeUndefined();
  });

  it('joins them too where the VAD closed the stretch in the pause: the quiet the endpoint waited for counts', async () => {
    const { play, spans } = setup((n) => (n < 12 * FRAME ? time() : { text: 'what time is it in tokyo', sayOnly: false }), { hangOver: 2 });
    await play([...quiet(2), ...speech(5), ...quiet(3)]); // the VAD closed the stretch at frame 9; the voice is back at frame 10, as 400 ms of quiet would end
    await play([...speech(3), ...quiet(14)]);
    const start = 2 * FRAME - ONSET_LAG;
    expect(spans()).toEqual([
      [start, 8 * FRAME, true, false],
      [start, 15 * FRAME, false, true],
    ]);
  });

  it("while Kiwi speaks, voice in the window joins only as a barge-in (else it may be Kiwi's own echo)", async () => {
    for (const bargeIn of [false, true]) {
      const { play, spans, kiwi } = setup((n) => (n < 12 * FRAME ? time() : { text: 'what time is it in tokyo', sayOnly: false }), { bargeIn });
      await play([...quiet(2), ...speech(5), ...quiet(3)]);
      kiwi.speaking = true; // the provisional reply plays
      await play([...speech(3), ...quiet(14)]);
      expect(kiwi.bargedIn).toBe(bargeIn ? 1 : 0);
      // Echo: the endpoint came and the provisional utterance stood alone. Barge-in: the words joined it.
      expect(spans().map(([, , provisional, joined]) => [provisional, joined])).toEqual(bargeIn ? [[true, false], [false, true]] : [[true, false]]);
    }
  });

  it('words after the endpoint would have fallen are an utterance of their own, as before (a command: provisional too)', async () => {
    for (const sayOnly of [undefined, false]) {
      const { guesses, play, spans } = setup(() => (guesses.length === 0 ? time() : { text: 'in tokyo', sayOnly }));
      await play([...quiet(2), ...speech(5), ...quiet(16), ...speech(3), ...quiet(14)]);
      expect(spans()).toEqual([
        [2 * FRAME - ONSET_LAG, 8 * FRAME, true, false],
        sayOnly === undefined ? [23 * FRAME, 32 * FRAME, false, false] : [23 * FRAME - ONSET_LAG, 27 * FRAME, true, false],
      ]);
    }
  });
});
