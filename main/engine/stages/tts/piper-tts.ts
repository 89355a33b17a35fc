import { KiwiError } from '../../../platform/errors.ts';
import { ModelWorker } from '../../../platform/model-worker.ts';
import type { Pcm, Tts, TtsOptions } from '../../stages.ts';
import type { StageFactory } from '../factory.ts';
import { concatWithGaps } from './join.ts';
import type { PiperReady, PiperRequest, PiperWorkerInit } from './piper-protocol.ts';
import { splitSentences } from './sentences.ts';
import { defaultThreads } from './sherpa-tts-config.ts';
import { chooseSpeaker } from './voices.ts';

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
 * The `onnx-piper` stage: a Piper voice on onnxruntime-node with its memory arena off, in a worker
 * thread (piper-voice.ts). Through sherpa-onnx, onnxruntime's arena kept every run's peak: RSS
 * rose ~170 MB over the first few hundred replies and stayed there (the soak's growth, measured).
 * Without it each run's memory is freed: 164 → 189 MB over 200 replies (measured, Kiwi's malloc
 * tuning), for ~1.5× sherpa's CPU time per second of audio (real-time factor ~0.11 on 2 cores).
 *
 * Text is split into sentences spoken one after another; an abort rejects at once and the remaining
 * sentences are never sent to the worker (the one in the model finishes there).
 */
export class PiperTts implements Tts {
  readonly name = 'piper';

  private constructor(
    readonly model: string,
    private readonly worker: ModelWorker<PiperRequest, Float32Array>,
    readonly sampleRate: number,
    private readonly numSpeakers: number,
    /** Voice names in speaker-id order (empty when the model has one voice). */
    readonly voiceNames: readonly string[],
  ) {}

  static async load(model: Parameters<StageFactory<Tts>>[0], threads = defaultThreads()): Promise<PiperTts> {
    const init: PiperWorkerInit = { model: { id: model.id, dir: model.dir, config: model.config }, threads };
    const { worker, ready } = await ModelWorker.start<PiperReady, PiperRequest, Float32Array>(WORKER_URL, init, { name: `piper ${model.id}`, code: 'tts_failed' });
    return new PiperTts(model.id, worker, ready.sampleRate, ready.numSpeakers, ready.voiceNames);
  }

  async synthesize(text: string, options: TtsOptions): Promise<Pcm> {
    const { signal } = options;
    signal?.throwIfAborted();
    const speed = Math.min(2, Math.max(0.5, options.speed || 1));
    const { sid } = chooseSpeaker(options.voice, this.voiceNames, this.numSpeakers, options.language);
    const parts: Float32Array[] = [];
    for (const sentence of splitSentences(text, MAX_CHARS_PER_RUN)) {
      // The worker speaks one sentence at a time; an aborted call sends no further sentence.
      const audio = await this.worker.run({ text: sentence, sid, speed }, { signal });
      if (audio.length) parts.push(audio);
    }
    return { samples: concatWithGaps(parts, Math.round(SENTENCE_GAP_S * this.sampleRate)), sampleRate: this.sampleRate };
  }

  dispose(): void {
    // The worker finishes the sentence in hand, frees its session and is ended.
    this.worker.dispose(new KiwiError('tts_disposed', `the ${this.model} voice was unloaded`, 503));
  }
}

/** TTS_ENGINES entry for Piper voices. */
export const createPiperTts: StageFactory<Tts> = (model) => PiperTts.load(model);
