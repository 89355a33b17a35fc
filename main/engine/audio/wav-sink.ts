import { KiwiError } from '../../platform/errors.ts';
import type { Pcm } from '../stages.ts';
import type { AudioSink } from './audio-hub.ts';
import { resampleTo, writeWav } from './wav.ts';
import { SAMPLE_RATE } from '../../contract/audio.ts';

/**
 * A sink that records what Kiwi plays (cues and replies, in order) and writes it as one WAV
 * file on `end()`, atomically: a reader never sees a half-written file. Parts at different
 * rates (16 kHz cues, 22-24 kHz voices) are resampled to the highest rate among them.
 */
export class WavFileSink implements AudioSink {
  readonly #parts: Pcm[] = [];
  #ended = false;

  constructor(
    readonly file: string,
    readonly id = `wav:${file}`,
  ) {}

  /** Taken at once: a file has no playback time, so there is nothing for an abort to cut short. */
  async play(audio: Pcm, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    if (this.#ended) throw written(this.file);
    this.#parts.push({ samples: audio.samples.slice(), sampleRate: audio.sampleRate });
  }

  /** Seconds collected so far (at each part's own rate). */
  get seconds(): number {
    return this.#parts.reduce((s, p) => s + p.samples.length / p.sampleRate, 0);
  }

  /** Everything played, joined; silence-free and empty (16 kHz) when nothing was played. */
  collected(): Pcm {
    const rate = this.#parts.reduce((r, p) => Math.max(r, p.sampleRate), 0) || SAMPLE_RATE;
    const same = this.#parts.map((p) => resampleTo(p, rate).samples);
    const samples = new Float32Array(same.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const p of same) {
      samples.set(p, offset);
      offset += p.length;
    }
    return { samples, sampleRate: rate };
  }

  /** Write the file (once); resolves to what was written. */
  async end(): Promise<Pcm> {
    if (this.#ended) throw written(this.file);
    this.#ended = true;
    const audio = this.collected();
    await writeWav(this.file, audio);
    return audio;
  }
}

const written = (file: string) => new KiwiError('sink_closed', `the WAV sink for ${file} has already been written`, 409);
