import type { SpeechSegment, Vad } from '../../stages.ts';

/**
 * A scripted stand-in for the VAD in listening tests: a frame with any sample above 0.1 is speech.
 * Speech stretches are reported when the first quiet frame after them arrives. (The real Silero
 * stage is tested on the real model in stages/vad/silero-vad.models.test.ts.)
 */
export class EnergyVad implements Vad {
  readonly name = 'energy';
  speaking = false;
  #at = 0;
  #start = -1;
  #quietFrames = 0;

  /** `hangOver`: quiet frames it still calls speech (as Silero does), included in the stretch. */
  constructor(private readonly hangOver = 0) {}

  accept(samples: Float32Array): SpeechSegment[] {
    const loud = samples.some((s) => Math.abs(s) > 0.1);
    const out: SpeechSegment[] = [];
    if (loud && !this.speaking) this.#start = this.#at;
    this.#quietFrames = loud ? 0 : this.#quietFrames + 1;
    const speaking = loud || (this.speaking && this.#quietFrames <= this.hangOver);
    if (!speaking && this.speaking) out.push({ start: this.#start, samples: new Float32Array(this.#at - this.#start), sampleRate: 16000 });
    this.speaking = speaking;
    this.#at += samples.length;
    return out;
  }
  flush = () => [];
  reset = () => undefined;
  dispose = () => undefined;
  fork = () => new EnergyVad(this.hangOver);
}
