import { KiwiError } from '../../../platform/errors.ts';
import { ModelWorker } from '../../../platform/model-worker.ts';
import type { Pcm, Tts, TtsOptions, VoicePick } from '../../stages.ts';
import type { StageFactory } from '../factory.ts';
import { concatWithGaps } from '../../audio/pcm.ts';
import type { PiperReady, PiperRequest, PiperResult, PiperWorkerInit } from './piper-protocol.ts';
import { splitSentences } from './sentences.ts';
import { defaultThreads } from './sherpa-tts-config.ts';
import { chooseSpeaker, pickVoice } from './voices.ts';

/**
 * From source this is the bootstrap beside this file (it bundles the thread module, see
 * platform/worker-entry.mjs); in the desktop bundle (dist/desktop)
 * the build writes the compiled worker under the same name beside main.mjs.
 */
const WORKER_URL = new URL('./piper-worker.mjs', import.meta.url);

const SENTENCE_GAP_S = 0.12; // a breath between sentences synthesized separately
/** Longest text per model run: a long sentence's first audio comes sooner, and each run's peak stays small. */
const MAX_CHARS_PER_RUN = 120;
/**
 * Latent frames in a sentence's first piece of audio (~0.37 s at 22,050 Hz, 256 samples a frame):
 * decoded in ~20 ms, and it plays long enough for the next, twice as long, to be ready.
 */
const FIRST_PIECE_FRAMES = 32;
const MAX_PIECE_FRAMES = 256;

/**
 * The `onnx-piper` stage: a Piper voice on onnxruntime-node with its memory arena off, in a worker
 * thread (piper-voice.ts). Through sherpa-onnx, onnxruntime's arena kept every run's peak: RSS
 * rose ~170 MB over the first few hundred replies and stayed there (the soak's growth, measured).
 * Without it each run's memory is freed: 164 → 189 MB over 200 replies (measured, Kiwi's malloc
 * tuning), for ~1.5× sherpa's CPU time per second of audio (real-time factor ~0.11 on 2 cores).
 *
 * Text is split into sentences spoken one after another; an abort rejects at once and the remaining
 * sentences are never sent to the worker (the one in the model finishes there). A voice that
 * splits before its decoder (piper-voice.ts) streams: each sentence's latent frames first, then
 * its audio in pieces, the first after a fraction of the sentence's synthesis time.
 */
export class PiperTts implements Tts {
  readonly name = 'piper';
  /** Sentences between their 'begin' and their last piece: an unload waits for them. */
  #speaking = 0;
  #unloaded: KiwiError | null = null;

  private constructor(
    readonly model: string,
    private readonly worker: ModelWorker<PiperRequest, PiperResult>,
    /** Whether the voice is decoded in pieces (else each sentence comes whole). */
    readonly streams: boolean,
    readonly sampleRate: number,
    private readonly numSpeakers: number,
    /** Voice names in speaker-id order (empty when the model has one voice). */
    readonly voiceNames: readonly string[],
    readonly notes: readonly string[],
  ) {}

  static async load(model: Parameters<StageFactory<Tts>>[0], threads = defaultThreads()): Promise<PiperTts> {
    const init: PiperWorkerInit = { model: { id: model.id, dir: model.dir, config: model.config }, threads };
    const { worker, ready } = await ModelWorker.start<PiperReady, PiperRequest, PiperResult>(WORKER_URL, init, { name: `piper ${model.id}`, code: 'tts_failed' });
    return new PiperTts(model.id, worker, ready.streams, ready.sampleRate, ready.numSpeakers, ready.voiceNames, ready.notes);
  }

  pickVoice(voice: string, language: string): VoicePick | null {
    return pickVoice(voice, this.voiceNames, this.numSpeakers, language);
  }

  async synthesize(text: string, options: TtsOptions): Promise<Pcm> {
    const pieces: Float32Array[] = [];
    for await (const piece of this.stream(text, options)) pieces.push(piece.samples);
    return { samples: concatWithGaps(pieces, 0), sampleRate: this.sampleRate };
  }

  async *stream(text: string, options: TtsOptions): AsyncGenerator<Pcm> {
    const { signal } = options;
    signal?.throwIfAborted();
    const speed = Math.min(2, Math.max(0.5, options.speed || 1));
    const { sid } = chooseSpeaker(options.voice, this.voiceNames, this.numSpeakers, options.language);
    const pcm = (samples: Float32Array): Pcm => ({ samples, sampleRate: this.sampleRate });
    let spoke = false;
    // The worker speaks one sentence at a time; an aborted call sends no further request.
    for (const sentence of splitSentences(text, MAX_CHARS_PER_RUN)) {
      // A breath before a sentence's first audio, when one was spoken before it.
      let gap = spoke ? [pcm(new Float32Array(Math.round(SENTENCE_GAP_S * this.sampleRate)))] : [];
      const piece = (audio: Float32Array): Pcm[] => {
        if (!audio.length) return [];
        const out = [...gap, pcm(audio)];
        gap = [];
        spoke = true;
        return out;
      };
      if (!this.streams) {
        yield* piece(await this.#audio({ type: 'speak', text: sentence, sid, speed }, signal));
        continue;
      }
      if (this.#unloaded) throw this.#unloaded;
      this.#speaking += 1;
      try {
        const begun = await this.worker.run({ type: 'begin', text: sentence, sid, speed }, { signal });
        if (begun instanceof Float32Array) throw new KiwiError('tts_failed', `the ${this.model} worker answered 'begin' with audio`, 500);
        for (let from = 0, size = FIRST_PIECE_FRAMES; from < begun.frames; from += size, size = Math.min(2 * size, MAX_PIECE_FRAMES)) {
          yield* piece(await this.#audio({ type: 'decode', utterance: begun.utterance, from, to: Math.min(begun.frames, from + size) }, signal));
        }
      } finally {
        this.#speaking -= 1;
        if (this.#unloaded && this.#speaking === 0) this.worker.dispose(this.#unloaded);
      }
    }
  }

  async #audio(request: PiperRequest, signal: AbortSignal | undefined): Promise<Float32Array> {
    const result = await this.worker.run(request, { signal });
    if (!(result instanceof Float32Array)) throw new KiwiError('tts_failed', `the ${this.model} worker answered '${request.type}' without audio`, 500);
    return result;
  }

  dispose(): void {
    // The sentence in hand is finished (all its pieces), no other is begun; then the worker frees its sessions and ends.
    this.#unloaded = new KiwiError('tts_disposed', `the ${this.model} voice was unloaded`, 503);
    if (this.#speaking === 0) this.worker.dispose(this.#unloaded);
  }
}

/** TTS_ENGINES entry for Piper voices. */
export const createPiperTts: StageFactory<Tts> = (model) => PiperTts.load(model);
