import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { describeError, KiwiError } from '../../../platform/errors.ts';
import { SerialQueue } from '../../../platform/serial-queue.ts';
import { untilAborted } from '../../../platform/until-aborted.ts';
import { reviveError } from '../../../platform/worker-errors.ts';
import type { Pcm, Tts, TtsOptions } from '../../stages.ts';
import type { StageFactory } from '../factory.ts';
import { concatWithGaps } from './join.ts';
import type { FromPiperWorker, PiperWorkerInit, ToPiperWorker } from './piper-protocol.ts';
import { splitSentences } from './sentences.ts';
import { chooseSpeaker, readVoiceNames } from './voices.ts';

/**
 * From source this is the tsx bootstrap beside this file; in the desktop bundle (dist/desktop)
 * the build writes the compiled worker under the same name beside main.mjs.
 */
const WORKER_URL = new URL('./piper-worker.mjs', import.meta.url);

const SENTENCE_GAP_S = 0.12; // a breath between sentences synthesized separately
/** Longest text per model run: a long sentence's first audio comes sooner, and each run's peak stays small. */
const MAX_CHARS_PER_RUN = 120;

interface Job {
  resolve(samples: Float32Array): void;
  reject(err: Error): void;
}

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
  readonly #serial = new SerialQueue();
  readonly #jobs = new Map<number, Job>();
  #nextId = 1;
  #closed: KiwiError | undefined;

  private constructor(
    readonly model: string,
    private readonly worker: Worker,
    readonly sampleRate: number,
    private readonly numSpeakers: number,
    /** Voice names in speaker-id order (empty when the model has one voice). */
    readonly voiceNames: readonly string[],
  ) {
    worker.on('message', (message: FromPiperWorker) => this.#onMessage(message));
    worker.on('error', (err) => this.#fail(new KiwiError('tts_failed', `The Piper worker failed: ${describeError(err)}`, 500)));
    worker.on('exit', (code) => this.#fail(new KiwiError('tts_failed', `The Piper worker stopped (exit code ${code})`, 500)));
    worker.unref(); // an idle voice never keeps the process alive
  }

  static async load(model: Parameters<StageFactory<Tts>>[0], threads = defaultThreads()): Promise<PiperTts> {
    const init: PiperWorkerInit = { model: { id: model.id, dir: model.dir, config: model.config }, threads };
    const file = typeof model.config.model === 'string' ? path.join(model.dir, model.config.model) : '';
    const worker = new Worker(WORKER_URL, { workerData: init, name: `piper ${model.id}` });
    const ready = await new Promise<{ sampleRate: number; numSpeakers: number }>((resolve, reject) => {
      const failed = (err: Error) => {
        void worker.terminate();
        reject(err);
      };
      worker.once('message', (message: FromPiperWorker) => {
        if (message.type === 'ready') resolve(message);
        else if (message.type === 'failed') failed(reviveError(message.error));
        else failed(new KiwiError('tts_failed', `The Piper worker said '${message.type}' before it was ready`, 500));
      });
      worker.once('error', (err) => failed(new KiwiError('tts_failed', `The Piper worker did not start: ${describeError(err)}`, 500)));
      // Rejecting after 'ready' does nothing; before it, a worker that died says so.
      worker.once('exit', (code) => reject(new KiwiError('tts_failed', `The Piper worker stopped while loading (exit code ${code})`, 500)));
    });
    const voices = await readVoiceNames(file);
    return new PiperTts(model.id, worker, ready.sampleRate, ready.numSpeakers, voices);
  }

  async synthesize(text: string, options: TtsOptions): Promise<Pcm> {
    const { signal } = options;
    signal?.throwIfAborted();
    const speed = Math.min(2, Math.max(0.5, options.speed || 1));
    const { sid } = chooseSpeaker(options.voice, this.voiceNames, this.numSpeakers, options.language);
    const parts: Float32Array[] = [];
    for (const sentence of splitSentences(text, MAX_CHARS_PER_RUN)) {
      signal?.throwIfAborted();
      const audio = await untilAborted(this.#serial.run(() => this.#speak(sentence, sid, speed, signal)), signal);
      if (audio.length) parts.push(audio);
    }
    return { samples: concatWithGaps(parts, Math.round(SENTENCE_GAP_S * this.sampleRate)), sampleRate: this.sampleRate };
  }

  dispose(): void {
    if (this.#closed) return;
    this.#closed = new KiwiError('tts_disposed', `the ${this.model} voice was unloaded`, 503);
    // The worker finishes the sentence in hand, frees its session, answers 'disposed' and is ended.
    const message: ToPiperWorker = { type: 'dispose' };
    this.worker.postMessage(message);
  }

  /** One sentence to the worker, after the previous one came back (queued by the caller). */
  #speak(text: string, sid: number, speed: number, signal?: AbortSignal): Promise<Float32Array> {
    if (this.#closed) return Promise.reject(this.#closed);
    signal?.throwIfAborted(); // aborted while waiting its turn: never reaches the model
    const id = this.#nextId++;
    return new Promise<Float32Array>((resolve, reject) => {
      const settle = () => {
        if (this.#jobs.delete(id) && this.#jobs.size === 0) this.worker.unref();
      };
      this.#jobs.set(id, {
        resolve: (samples) => (settle(), resolve(samples)),
        reject: (err) => (settle(), reject(err)),
      });
      this.worker.ref(); // audio is on its way: keep the process alive for it
      const message: ToPiperWorker = { type: 'speak', id, text, sid, speed };
      this.worker.postMessage(message);
    });
  }

  #onMessage(message: FromPiperWorker): void {
    if (message.type === 'audio') this.#jobs.get(message.id)?.resolve(message.samples);
    else if (message.type === 'failed' && message.id !== undefined) this.#jobs.get(message.id)?.reject(reviveError(message.error));
    else if (message.type === 'failed') process.emitWarning(`Piper worker: ${message.error.message}`);
    else if (message.type === 'disposed') void this.worker.terminate();
  }

  /** The worker is gone: every waiting caller hears why, later ones too. */
  #fail(err: KiwiError): void {
    this.#closed ??= err;
    for (const job of [...this.#jobs.values()]) job.reject(err);
  }
}

function defaultThreads(): number {
  return Math.max(1, Math.min(4, os.availableParallelism()));
}

/** TTS_ENGINES entry for Piper voices. */
export const createPiperTts: StageFactory<Tts> = (model) => PiperTts.load(model);
