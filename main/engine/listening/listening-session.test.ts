import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_CONFIG } from '../../contract/config.ts';
import type { SttStream } from '../stages.ts';
import { ListeningSession, type SessionHooks, type SessionParts, type Utterance } from './listening-session.ts';
import { EnergyVad } from './testing/energy-vad.ts';

/**
 * The session's own logic (pre-roll, streaming partials, ordering) with a scripted energy VAD and
 * a scripted streaming recognizer. The real VAD and recognizers are tested on real models elsewhere.
 */
class ScriptedStream implements SttStream {
  fed = 0;
  async accept(samples: Float32Array): Promise<string | null> {
    this.fed += samples.length;
    return `heard ${this.fed} samples`;
  }
  async finish(): Promise<string> {
    return `final after ${this.fed} samples`;
  }
}

const frame = (value: number) => new Float32Array(1600).fill(value);

/** A session over an energy VAD that collects its utterances; `parts` and `hooks` add to (or replace) the defaults. */
function startSession(voice: typeof DEFAULT_CONFIG.voice, { parts = {}, hooks = {}, awaitTurns = true }: { parts?: Partial<SessionParts>; hooks?: Partial<SessionHooks>; awaitTurns?: boolean } = {}) {
  const utterances: Utterance[] = [];
  const session = new ListeningSession(
    'test',
    { vad: new EnergyVad(), ...parts },
    () => voice,
    { speechStarted: () => undefined, wake: () => undefined, utterance: (u) => void utterances.push(u), bargeIn: () => undefined, speaking: () => false, ...hooks },
    { awaitTurns },
  );
  return { session, utterances };
}

describe('ListeningSession', () => {
  it('cuts the utterance with its pre-roll, and a streaming recognizer follows it from the pre-roll on', async () => {
    const partials: string[] = [];
    const stream = new ScriptedStream();
    const voice = { ...DEFAULT_CONFIG.voice, preroll_ms: 200, min_silence_ms: 300 };
    const { session, utterances } = startSession(voice, { parts: { openStream: () => stream }, hooks: { partial: (_source, text) => partials.push(text) } });
    for (const v of [0, 0, 0, 0.5, 0.5, 0.5, 0, 0, 0, 0, 0, 0]) await session.push(frame(v));
    expect(utterances).toHaveLength(1);
    const u = utterances[0]!;
    expect(u.start).toBe(4800);
    expect(u.end).toBe(9600);
    expect(u.samples.length).toBe(4800 + 3200); // speech + 200 ms pre-roll
    expect(u.samples[0]).toBe(0); // the pre-roll is the quiet audio just before
    // the stream got the pre-roll and every frame until the utterance ended, and said so as it went
    expect(partials[0]).toBe(`heard ${3200 + 1600} samples`);
    expect(u.streamedText).toBe(`final after ${stream.fed} samples`);
    expect(partials.length).toBeGreaterThanOrEqual(3);
  });

  it("counts latency from the frame with the last voiced sound, not from the VAD's later end", async () => {
    const { session, utterances } = startSession({ ...DEFAULT_CONFIG.voice, min_silence_ms: 300 });
    // Two frames after the voice carry only a faint click: the VAD still calls them speech (a hang-over).
    const click = () => Object.assign(frame(0), { [800]: 0.105 });
    for (const v of [0, 0.5, 0.5]) await session.push(frame(v));
    const lastVoicedFrom = performance.now();
    await session.push(frame(0.5));
    const lastVoicedTo = performance.now();
    for (const f of [click(), click(), frame(0), frame(0), frame(0), frame(0)]) await session.push(f);
    const u = utterances[0]!;
    expect(u.end).toBe(6 * 1600); // the VAD's end, after the clicks
    expect(u.lastVoicedAt).toBeGreaterThanOrEqual(lastVoicedFrom);
    expect(u.lastVoicedAt).toBeLessThanOrEqual(lastVoicedTo);
  });
});

describe('ListeningSession: early transcripts and the endpoint', () => {
  /** A session whose early transcripts come from `speculate`; it records every call and whether it was thrown away. */
  function setup(speculate: (samples: Float32Array) => Promise<string>, voiceOverrides: Partial<typeof DEFAULT_CONFIG.voice> = {}, awaitTurns = true, vad = new EnergyVad()) {
    const calls: Array<{ samples: number; signal: AbortSignal }> = [];
    const voice = { ...DEFAULT_CONFIG.voice, preroll_ms: 0, min_silence_ms: 800, max_silence_ms: 800, speculative_ms: 200, unfinished_silence_ms: 2000, ...voiceOverrides };
    const speculateHook: SessionHooks['speculate'] = (samples, _utterance, signal) => {
      calls.push({ samples: samples.length, signal });
      return speculate(samples).then((text) => ({ text, language: 'en', verdict: text.endsWith('for') ? ('unfinished' as const) : ('complete' as const) }));
    };
    const { session, utterances } = startSession(voice, { parts: { vad }, hooks: { speculate: speculateHook }, awaitTurns });
    const play = async (frames: number[]) => {
      for (const v of frames) await session.push(frame(v));
    };
    return { session, utterances, calls, play };
  }
  const speech = (n: number) => Array<number>(n).fill(0.5);
  const quiet = (n: number) => Array<number>(n).fill(0);

  it('ends complete words at the early transcript, long before the silence limit, and reuses it', async () => {
    const { utterances, calls, play } = setup(async () => 'what time is it');
    await play([...quiet(2), ...speech(5), ...quiet(4)]);
    expect(utterances).toHaveLength(1);
    expect(calls).toHaveLength(1);
    // Speech ended at frame 7 (11200); 200 ms later the transcript said "complete": ended then, not after 800 ms.
    expect(utterances[0]!.end).toBe(11200);
    expect(await utterances[0]!.early!.result).toMatchObject({ text: 'what time is it' });
    expect(utterances[0]!.early!.doneAt).toBeGreaterThan(0);
  });

  it('gives an unfinished phrase unfinished_silence_ms, so the rest of it joins', async () => {
    const { utterances, calls, play } = setup(async (samples) => (samples.length <= 8000 ? 'set a timer for' : 'set a timer for ten minutes'));
    // "set a timer for" … 1.2 s (longer than the 800 ms limit) … "ten minutes"
    await play([...speech(5), ...quiet(12), ...speech(4), ...quiet(4)]);
    expect(utterances).toHaveLength(1);
    expect(utterances[0]).toMatchObject({ start: 0, end: (5 + 12 + 4) * 1600 });
    expect(calls.length).toBe(2);
    expect(calls[0]!.signal.aborted).toBe(true); // speech resumed: the first early transcript was thrown away
    expect(await utterances[0]!.early!.result).toMatchObject({ text: 'set a timer for ten minutes' });
  });

  it('without smart_endpoint the silence limit alone decides (the old way): the phrase is cut', async () => {
    const { utterances, play } = setup(async (samples) => (samples.length <= 8000 ? 'set a timer for' : 'ten minutes'), { smart_endpoint: false });
    await play([...speech(5), ...quiet(12), ...speech(4), ...quiet(10)]);
    expect(utterances.map((u) => [u.start, u.end])).toEqual([
      [0, 8000],
      [17 * 1600, 21 * 1600],
    ]);
  });

  it('a live early transcript that ends a turn whose handler fails: the next push reports it, and listening goes on', async () => {
    const voice = { ...DEFAULT_CONFIG.voice, preroll_ms: 0, min_silence_ms: 800, max_silence_ms: 800, speculative_ms: 200 };
    let release: () => void = () => undefined;
    const delivered: number[] = [];
    const { session } = startSession(voice, {
      awaitTurns: false,
      hooks: {
        // Done only when released: the verdict then ends the turn by itself, between frames.
        speculate: () => new Promise((resolve) => (release = () => resolve({ text: 'what time is it', language: 'en', verdict: 'complete' }))),
        utterance: (u) => {
          if (delivered.push(u.end) === 1) throw new Error('handler broke'); // a bug in the first turn's handler
        },
      },
    });
    const play = async (frames: number[]) => {
      for (const v of frames) await session.push(frame(v));
    };
    await play([...speech(5), ...quiet(5)]);
    release();
    await vi.waitFor(() => expect(delivered).toEqual([8000])); // the verdict ended the turn between frames
    // Before, that failure was dropped: nobody heard of it.
    await expect(session.push(frame(0))).rejects.toThrow('handler broke');
    await play([...speech(5), ...quiet(12)]);
    expect(delivered).toHaveLength(2);
  });

  it('throws the early transcript away when speech resumes before it is done (live input)', async () => {
    let release: () => void = () => undefined;
    const { utterances, calls, play } = setup(() => new Promise((resolve) => (release = () => resolve('what time'))), {}, false);
    await play([...speech(5), ...quiet(3)]); // early transcript asked for, still running
    expect(calls).toHaveLength(1);
    await play(speech(3)); // "…is it"
    expect(calls[0]!.signal.aborted).toBe(true);
    release();
    await play(quiet(11));
    expect(utterances).toHaveLength(1);
    expect(utterances[0]!.end).toBe(11 * 1600);
    expect(utterances[0]!.early).not.toBe(undefined);
    expect(calls).toHaveLength(2); // asked again for the whole utterance
  });

  it("starts when the voice stops, not when the VAD's hang-over ends, and the turn ends as the VAD closes the stretch", async () => {
    const { utterances, calls, play } = setup(async () => 'what time is it', { speculate_on_voice: true }, true, new EnergyVad(6));
    await play([...quiet(2), ...speech(5), ...quiet(12)]);
    // 200 ms after the voice the transcript was asked for, on the audio from 190 ms before the VAD
    // was sure (no pre-roll here) to then.
    expect(calls).toHaveLength(1);
    expect(calls[0]!.samples).toBe(9 * 1600 - (2 * 1600 - 0.19 * 16000));
    // The VAD called 600 ms more speech; its complete words ended the turn when that stretch closed, not 800 ms later.
    expect(utterances.map((u) => [u.start, u.end])).toEqual([[2 * 1600, 13 * 1600]]);
    expect(await utterances[0]!.early!.result).toMatchObject({ text: 'what time is it' });
  });

  it('while the VAD hangs on, voice that resumes throws the early transcript away, and the words stay one utterance (live input)', async () => {
    let release: () => void = () => undefined;
    const texts = ['what time', 'what time is it'];
    const { utterances, calls, play } = setup(() => new Promise((resolve) => (release = () => resolve(texts[calls.length - 1]!))), { speculate_on_voice: true }, false, new EnergyVad(6));
    await play([...quiet(4), ...speech(5), ...quiet(3)]);
    expect(calls).toHaveLength(1);
    await play(speech(3)); // "…is it", before the first guess came back
    expect(calls[0]!.signal.aborted).toBe(true);
    release();
    await play(quiet(3));
    expect(calls).toHaveLength(2);
    release();
    await play(quiet(10));
    expect(utterances.map((u) => [u.start, u.end])).toEqual([[4 * 1600, 21 * 1600]]);
    expect(await utterances[0]!.early!.result).toMatchObject({ text: 'what time is it' });
  });

  it('a pause at a comma ("dime la hora, por favor"): complete words so far do not end the turn while the VAD holds the stretch', async () => {
    const { utterances, calls, play } = setup(async (samples) => (samples.length < 12 * 1600 ? 'dime la hora' : 'dime la hora por favor'), { speculate_on_voice: true }, true, new EnergyVad(6));
    await play([...speech(5), ...quiet(3), ...speech(4), ...quiet(12)]);
    expect(calls).toHaveLength(2);
    expect(calls[0]!.signal.aborted).toBe(true);
    expect(utterances).toHaveLength(1);
    expect(await utterances[0]!.early!.result).toMatchObject({ text: 'dime la hora por favor' });
  });

  it("in a noisy room, where the voice's own measure hears no silence, the VAD's quiet counts", async () => {
    const { utterances, calls, play } = setup(async () => 'what time is it');
    const noise = Array<number>(6).fill(0.05); // far below the voice, yet no silence to VoicedEnd; the VAD calls it quiet
    await play([...speech(5), ...noise]);
    expect(calls).toHaveLength(1);
    // Ended 400 ms after the VAD's end of speech (frame 5), not after the 800 ms silence limit.
    expect(utterances.map((u) => [u.start, u.end])).toEqual([[0, 5 * 1600]]);
  });

  it('speculative_ms 0 turns early transcripts off', async () => {
    const { utterances, calls, play } = setup(async () => 'what time is it', { speculative_ms: 0 });
    await play([...speech(5), ...quiet(8)]);
    expect(calls).toHaveLength(0);
    expect(utterances).toHaveLength(1);
    expect(utterances[0]!.early).toBeUndefined();
  });
});
