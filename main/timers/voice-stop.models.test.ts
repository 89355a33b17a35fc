import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EventEnvelope } from '../contract/events.ts';
import type { ListeningSession } from '../engine/listening/listening-session.ts';
import { describeWithModels } from '../engine/models/testing/model-env.ts';
import { concat, silence, speak, speechToolsMissing } from '../engine/models/testing/speech.ts';
import { eventually, startTestKiwi, type TestKiwi } from '../testing/kiwi-test-server.ts';
import type { TimerItem } from './types.ts';

const RATE = 16000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeWithModels('stopping a ringing alarm by voice, through the whole engine (Silero VAD, Whisper tiny.en, Piper)', (modelsDir) => {
  let k: TestKiwi;
  const events: Array<EventEnvelope & { at: number }> = [];
  const played: Array<{ at: number; seconds: number; completed: boolean }> = [];
  let mic: ListeningSession;

  beforeAll(async () => {
    expect(speechToolsMissing()).toBeNull();
    k = await startTestKiwi({
      config: { wake_word_engine: 'text', tts_provider: 'piper', auto_download_models: false, clock: { time_zone: 'UTC' } },
      env: { KIWI_MODELS_DIR: modelsDir },
    });
    const { runtime } = k.kiwi;
    expect(runtime.engine.missing.filter((line) => /^(vad|stt|tts):/.test(line))).toEqual([]);
    runtime.bus.subscribe((e) => events.push({ ...e, at: Date.now() }));
    // A speaker that takes as long as the audio lasts, like a sound card.
    runtime.hub.addSink({
      id: 'test-speaker',
      play: async (audio, signal) => {
        const entry = { at: Date.now(), seconds: audio.samples.length / audio.sampleRate, completed: false };
        played.push(entry);
        const until = Date.now() + entry.seconds * 1000;
        while (Date.now() < until) {
          signal.throwIfAborted();
          await sleep(20);
        }
        entry.completed = true;
      },
    });
    mic = runtime.engine.listen('mic');
  }, 120_000);
  afterAll(async () => {
    await k?.kiwi.runtime.engine.endSource('mic');
    await k?.kiwi.runtime.engine.endSource('room');
    await k?.cleanup();
  });

  /**
   * Feed the microphone in real time (100 ms frames), as a live input would: the alarm rings and
   * Kiwi's line plays on the wall clock, and barge-in needs the words to arrive while it plays.
   * On a loaded machine frames only arrive later, never faster, so the waits below are generous.
   */
  async function hear(audio: Float32Array, session = mic): Promise<void> {
    for (let at = 0; at < audio.length; at += RATE / 10) {
      await session.push(audio.subarray(at, at + RATE / 10));
      await sleep(100);
    }
  }

  async function silenceUntil(check: () => boolean, what: string, maxSeconds = 20): Promise<void> {
    for (let waited = 0; !check(); waited += 0.1) {
      if (waited > maxSeconds) throw new Error(`no ${what} after ${maxSeconds} s; events: ${events.map((e) => e.event).join(', ')}`);
      await hear(silence(0.1));
    }
  }

  const trail = (from: number) =>
    events
      .slice(from)
      .filter((e) => e.event !== 'SPEECH_PARTIAL')
      .map((e) => `${e.event}${e.event === 'SPEECH_RECOGNIZED' || e.event === 'TTS_STARTED' ? `(${String(e.data.text)})` : ''}`)
      .join(', ');
  const stoppedBy = (id: string) => events.find((e) => e.event === 'ALARM_STOPPED' && (e.data.item as TimerItem).id === id)?.data.by;

  function ringSoon(): TimerItem {
    return k.kiwi.runtime.timers.create({ kind: 'alarm', language: 'en', due_at: Date.now() + 1000 });
  }

  it('"stop" alone, without the wake word, said while the alarm sounds, stops the ringing', async () => {
    const from = events.length;
    const alarm = ringSoon();
    await silenceUntil(() => events.slice(from).some((e) => e.event === 'ALARM_RINGING'), 'ringing');
    const rangAt = Date.now();
    await hear(concat(speak('Stop.'), silence(1.5)));
    await eventually(() => stoppedBy(alarm.id) !== undefined, 'the alarm to stop', 30_000).catch((err: Error) => {
      throw new Error(`${err.message}; events: ${trail(from)}`);
    });
    expect(stoppedBy(alarm.id)).toBe('voice');
    expect(events.slice(from).find((e) => e.event === 'SPEECH_RECOGNIZED')?.data.text).toMatch(/^stop/i);
    expect(played.some((p) => p.seconds < 1 && p.at >= rangAt - 200)).toBe(true); // the ring sound played
    expect(k.kiwi.runtime.timers.list()).toEqual([]);
    expect(k.kiwi.runtime.timers.isRinging).toBe(false);
    const count = played.length;
    await hear(silence(4));
    expect(played.length).toBe(count); // silence afterwards
  }, 90_000);

  it('said over the spoken alarm line, "stop the alarm" barges in and stops the ringing', async () => {
    const from = events.length;
    const alarm = ringSoon();
    await silenceUntil(() => events.slice(from).some((e) => e.event === 'TTS_STARTED' && /Time to get up/.test(String(e.data.text))), 'spoken alarm line');
    await hear(concat(silence(0.3), speak('Stop the alarm.'), silence(1.5)));
    await eventually(() => stoppedBy(alarm.id) !== undefined, 'the alarm to stop', 30_000).catch((err: Error) => {
      throw new Error(`${err.message}; events: ${trail(from)}`);
    });
    const after = events.slice(from);
    expect(stoppedBy(alarm.id)).toBe('voice');
    expect(after.some((e) => e.event === 'BARGE_IN')).toBe(true);
    expect(after.find((e) => e.event === 'TTS_FINISHED')?.data).toMatchObject({ interrupted: true });
    expect(k.kiwi.runtime.timers.isRinging).toBe(false);
  }, 90_000);

  it("Kiwi's Stop (tray, web microphone) pressed while the line plays stops the ringing too", async () => {
    const from = events.length;
    const alarm = ringSoon();
    await silenceUntil(() => events.slice(from).some((e) => e.event === 'TTS_STARTED'), 'spoken alarm line');
    k.kiwi.runtime.engine.stop(); // what the tray's "Stop speaking" and the web microphone's stop message call
    await eventually(() => stoppedBy(alarm.id) !== undefined, 'the alarm to stop', 5000).catch((err: Error) => {
      throw new Error(`${err.message}; events: ${trail(from)}`);
    });
    expect(stoppedBy(alarm.id)).toBe('api');
  }, 60_000);

  it('when nothing rings, "stop" without the wake word is not for Kiwi', async () => {
    const from = events.length;
    // A second microphone (the first one's session is fresh from two barge-ins; see the report).
    const room = k.kiwi.runtime.engine.listen('room');
    await hear(concat(silence(1), speak('Stop.'), silence(1.5)), room);
    // The utterance's outcome is its TURN_FINISHED: once that says why it was ignored, nothing more comes of it.
    const finished = () => events.slice(from).find((e) => e.event === 'TURN_FINISHED');
    await eventually(() => finished() !== undefined, 'the utterance to be judged', 15_000).catch((err: Error) => {
      throw new Error(`${err.message}; events: ${trail(from)}`);
    });
    expect(finished()!.data).toMatchObject({ wake: false, command: null, reply: null, ignored: 'no wake word' });
    expect(String(finished()!.data.transcript)).toMatch(/stop/i);
    const after = events.slice(from);
    expect(after.some((e) => e.event === 'SPEECH_RECOGNIZED' || e.event === 'COMMAND_RECEIVED'), trail(from)).toBe(false);
  }, 60_000);
});
