import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../contract/config.ts';
import type { SpeechSegment, SttStream, Vad } from '../stages.ts';
import { ListeningSession, type Utterance } from './listening-session.ts';

/**
 * The session's own logic (pre-roll, streaming partials, ordering) with a scripted energy VAD and
 * a scripted streaming recognizer. The real VAD and recognizers are tested on real models elsewhere.
 */
class EnergyVad implements Vad {
  readonly name = 'energy';
  speaking = false;
  #at = 0;
  #start = -1;
  accept(samples: Float32Array): SpeechSegment[] {
    const loud = samples.some((s) => Math.abs(s) > 0.1);
    const out: SpeechSegment[] = [];
    if (loud && !this.speaking) this.#start = this.#at;
    if (!loud && this.speaking) out.push({ start: this.#start, samples: new Float32Array(this.#at - this.#start), sampleRate: 16000 });
    this.speaking = loud;
    this.#at += samples.length;
    return out;
  }
  flush = () => [];
  reset = () => undefined;
  dispose = () => undefined;
  fork = () => new EnergyVad();
}

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

describe('ListeningSession', () => {
  it('cuts the utterance with its pre-roll, and a streaming recognizer follows it from the pre-roll on', async () => {
    const partials: string[] = [];
    const utterances: Utterance[] = [];
    const stream = new ScriptedStream();
    const voice = { ...DEFAULT_CONFIG.voice, preroll_ms: 200, min_silence_ms: 300 };
    const session = new ListeningSession(
      'test',
      { vad: new EnergyVad(), openStream: () => stream },
      () => voice,
      {
        speechStarted: () => undefined,
        wake: () => undefined,
        utterance: (u) => void utterances.push(u),
        bargeIn: () => undefined,
        speaking: () => false,
        partial: (_source, text) => partials.push(text),
      },
      { awaitTurns: true },
    );
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
});
