import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Config } from '../../contract/config.ts';
import { AudioHub } from '../audio/audio-hub.ts';
import { EventBus } from '../events/event-bus.ts';
import type { Stt, Transcript } from '../stages.ts';
import type { TurnResult } from './turn.ts';
import { VoiceLoop } from './voice-loop.ts';
import { systemClock } from '../../platform/clock.ts';
import { TurnRun } from '../turns/turn-run.ts';
import { EnergyVad } from './testing/energy-vad.ts';

/**
 * A source that leaves (socket closed, microphone unplugged) takes its pending work with it:
 * utterances it queued are not transcribed or answered afterwards. Stand-ins: a loudness VAD and
 * a recognizer the test releases by hand (the real stages are tested on real models elsewhere).
 */
class HeldStt implements Stt {
  readonly name = 'held';
  readonly model = 'held';
  readonly waiting: Array<() => void> = [];
  transcribe(): Promise<Transcript> {
    return new Promise((resolve) => this.waiting.push(() => resolve({ text: 'kiwi what time is it', language: 'en' })));
  }
  dispose = () => undefined;
}

describe('VoiceLoop.cancelSource', () => {
  it('drops the utterances a departed source left queued; other sources carry on', async () => {
    const config: Config = { ...DEFAULT_CONFIG, wake_word_engine: 'text', voice: { ...DEFAULT_CONFIG.voice, min_silence_ms: 100 } };
    const stt = new HeldStt();
    const answered: string[] = [];
    const results: TurnResult[] = [];
    const bus = new EventBus();
    const loop = new VoiceLoop({
      config: () => config,
      bus,
      clock: systemClock,
      newTurn: (source) => new TurnRun({ bus, clock: systemClock }, 'voice', source),
      hub: new AudioHub(),
      stt,
      makeVad: () => new EnergyVad(),
      matchWake: (text) => ({ matched: true, command: text }),
      isSpeaking: () => false,
      bargeIn: () => undefined,
      respond: async (command, heard) => {
        answered.push(heard.sourceId);
        return { command, reply: 'ok', firstAudioMs: null };
      },
      acknowledgeWake: () => undefined,
      announce: async () => undefined,
      result: (r) => results.push(r),
    });
    const frame = (loud: boolean) => new Float32Array(1600).fill(loud ? 0.5 : 0);
    // Five utterances (0.5 s of speech, 0.5 s of silence) from a flooding client.
    const flood = loop.session('flood');
    for (let u = 0; u < 5; u++) for (let i = 0; i < 10; i++) await flood.push(frame(i < 5));
    expect(stt.waiting).toHaveLength(1); // the first is being transcribed, four wait behind it

    // It returns while the transcription in hand is still held by the test: it does not wait for it.
    await loop.cancelSource('flood');
    expect(stt.waiting.length).toBeGreaterThan(0);
    while (stt.waiting.length > 0) {
      stt.waiting.shift()!();
      await new Promise((r) => setTimeout(r, 0));
    }
    expect(answered).toEqual([]);
    expect(results.map((r) => r.ignored)).toEqual(['the source left']);

    // A source still here is understood as before.
    const mic = loop.session('mic');
    for (let i = 0; i < 10; i++) await mic.push(frame(i < 5));
    await new Promise((r) => setTimeout(r, 0));
    stt.waiting.shift()!();
    await new Promise((r) => setTimeout(r, 0));
    expect(answered).toEqual(['mic']);
  });
});
