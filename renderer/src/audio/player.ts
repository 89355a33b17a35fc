import { int16ToFloat } from './resampler.ts';
import { SAMPLE_RATE } from '../../../main/contract/audio.ts';

/**
 * Plays Kiwi's reply audio as it streams in: each chunk is scheduled right after the previous
 * one, so 100 ms messages play as one continuous voice. `stop` silences everything queued.
 */
export class ReplyPlayer {
  #context: AudioContext | null = null;
  #rate = SAMPLE_RATE;
  #next = 0;
  #sources = new Set<AudioBufferSourceNode>();

  /** Create (or resume) the AudioContext; call from a user gesture so autoplay rules allow it. */
  async unlock(): Promise<void> {
    this.#context ??= new AudioContext();
    await this.#context.resume();
  }

  /**
   * Play on this speaker ('' = the default) where the browser can choose (AudioContext.setSinkId,
   * Chromium 110+ and Electron); elsewhere replies play on the default speaker.
   */
  async useSpeaker(deviceId: string): Promise<void> {
    const ctx = this.#context as (AudioContext & { setSinkId?(id: string): Promise<void>; sinkId?: string }) | null;
    if (!ctx?.setSinkId || ctx.sinkId === deviceId) return;
    await ctx.setSinkId(deviceId);
  }

  start(sampleRate: number): void {
    this.#rate = sampleRate;
  }

  push(samples: Int16Array): void {
    const ctx = this.#context;
    if (!ctx || samples.length === 0) return;
    const buffer = ctx.createBuffer(1, samples.length, this.#rate);
    buffer.copyToChannel(int16ToFloat(samples) as Float32Array<ArrayBuffer>, 0);
    const source = ctx.createBufferSource();
    source.buffer = buffer;
    source.connect(ctx.destination);
    this.#next = Math.max(this.#next, ctx.currentTime + 0.02);
    source.start(this.#next);
    this.#next += buffer.duration;
    this.#sources.add(source);
    source.onended = () => this.#sources.delete(source);
  }

  stop(): void {
    for (const source of this.#sources) source.stop();
    this.#sources.clear();
    this.#next = 0;
  }

  async close(): Promise<void> {
    this.stop();
    await this.#context?.close();
    this.#context = null;
  }
}
