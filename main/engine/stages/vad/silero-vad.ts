import path from 'node:path';
import type { Config } from '../../../contract/config.ts';
import { sherpa } from '../../sherpa/sherpa-module.ts';
import type { SpeechSegment, Vad } from '../../stages.ts';
import type { StageFactory } from '../factory.ts';

interface SherpaVad {
  acceptWaveform(samples: Float32Array): void;
  isEmpty(): boolean;
  isDetected(): boolean;
  front(enableExternalBuffer?: boolean): { start: number; samples: Float32Array };
  pop(): void;
  flush(): void;
  reset(): void;
}

type SherpaVadClass = new (config: unknown, bufferSizeInSeconds: number) => SherpaVad;

export const WINDOW = 512; // Silero's window at 16 kHz (32 ms)

/**
 * Silero VAD through sherpa-onnx. It reports raw speech stretches with a short hang-over; the
 * endpointer (engine/listening/endpointer.ts) decides where an utterance really ends. A
 * threshold per instance lets barge-in run a stricter VAD while Kiwi speaks.
 */
export class SileroVad implements Vad {
  readonly name = 'silero';
  readonly #vad: SherpaVad;
  #pending = new Float32Array(0);

  constructor(
    private readonly modelFile: string,
    private readonly options: { threshold: number; minSpeechMs: number; maxUtteranceS: number },
  ) {
    const { Vad: SherpaVadCtor } = sherpa<{ Vad: SherpaVadClass }>();
    this.#vad = new SherpaVadCtor(
      {
        sileroVad: {
          model: modelFile,
          threshold: options.threshold,
          minSilenceDuration: 0.2,
          minSpeechDuration: options.minSpeechMs / 1000,
          maxSpeechDuration: options.maxUtteranceS,
          windowSize: WINDOW,
        },
        sampleRate: 16000,
        numThreads: 1,
        debug: false,
      },
      Math.max(30, options.maxUtteranceS * 2),
    );
  }

  get speaking(): boolean {
    return this.#vad.isDetected();
  }

  accept(samples: Float32Array): SpeechSegment[] {
    // Whole windows only, one per call: sherpa decides start and end of speech once per call
    // (a longer buffer counts as speech if any window in it is), so a 100 ms frame or a whole
    // file fed at once would blur the segments. Keeping the remainder here makes `speaking`
    // reflect exactly the audio fed so far.
    const all = this.#pending.length ? concat(this.#pending, samples) : samples;
    const whole = all.length - (all.length % WINDOW);
    for (let at = 0; at < whole; at += WINDOW) this.#vad.acceptWaveform(all.subarray(at, at + WINDOW));
    this.#pending = all.slice(whole);
    return this.#drain();
  }

  flush(): SpeechSegment[] {
    this.#vad.flush();
    return this.#drain();
  }

  fork(threshold: number): SileroVad {
    return new SileroVad(this.modelFile, { ...this.options, threshold });
  }

  reset(): void {
    this.#vad.reset();
    this.#pending = new Float32Array(0);
  }

  dispose(): void {
    // The native VAD is freed by its finalizer; dropping buffered audio is all that is left.
    this.#pending = new Float32Array(0);
  }

  #drain(): SpeechSegment[] {
    const out: SpeechSegment[] = [];
    while (!this.#vad.isEmpty()) {
      const seg = this.#vad.front(false);
      out.push({ start: seg.start, samples: seg.samples, sampleRate: 16000 });
      this.#vad.pop();
    }
    return out;
  }
}

function concat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

export function sileroOptions(voice: Config['voice'], threshold = voice.vad_threshold) {
  return { threshold, minSpeechMs: voice.min_speech_ms, maxUtteranceS: voice.max_utterance_s };
}

export const createSileroVad: StageFactory<Vad> = async (model, ctx) =>
  new SileroVad(path.join(model.dir, String(model.config.model ?? 'silero_vad.onnx')), sileroOptions(ctx.config.voice));
