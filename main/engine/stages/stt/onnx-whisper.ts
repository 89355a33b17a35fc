import { Worker } from 'node:worker_threads';
import { describeError, KiwiError } from '../../../platform/errors.ts';
import { resampleTo } from '../../audio/wav.ts';
import type { Pcm, Stt, Transcript } from '../../stages.ts';
import type { StageFactory } from '../factory.ts';
import { SerialQueue } from '../../../platform/serial-queue.ts';
import { reviveError as revive } from '../../../platform/worker-errors.ts';
import { configuredThreads } from './sherpa-config.ts';
import { RATE, type WhisperLoadOptions } from './whisper-decoder.ts';
import type { FromWhisperWorker, ToWhisperWorker, WhisperWorkerInit } from './whisper-protocol.ts';

/**
 * From source this is the tsx bootstrap beside this file; in the desktop bundle (dist/desktop)
 * the build writes the compiled worker under the same name beside main.mjs.
 */
const WORKER_URL = new URL('./whisper-worker.mjs', import.meta.url);

interface Job {
  resolve(transcript: Transcript): void;
  reject(err: Error): void;
}

/**
 * The `onnx-whisper` stage: Whisper encoder/decoder graphs decoded greedily in a worker thread
 * (whisper-decoder.ts), so neither the 30 s encoder pass nor the decoder steps ever hold the
 * event loop. Jobs run one at a time; an aborted job stops at its next decoder step and its
 * caller is answered at once.
 */
export class OnnxWhisper implements Stt {
  readonly name = 'onnx-whisper';
  readonly #serial = new SerialQueue();
  readonly #jobs = new Map<number, Job>();
  #nextId = 1;
  #closed: KiwiError | undefined;

  private constructor(
    readonly model: string,
    private readonly worker: Worker,
    /** Languages the model takes (['en'] for English-only models). */
    readonly languages: string[],
  ) {
    worker.on('message', (message: FromWhisperWorker) => this.#onMessage(message));
    worker.on('error', (err) => this.#fail(new KiwiError('stt_failed', `The Whisper worker failed: ${describeError(err)}`, 500)));
    worker.on('exit', (code) => this.#fail(new KiwiError('stt_failed', `The Whisper worker stopped (exit code ${code})`, 500)));
    worker.unref(); // an idle recognizer never keeps the process alive
  }

  static async load(model: { id: string; dir: string; config: Record<string, unknown> }, options: WhisperLoadOptions): Promise<OnnxWhisper> {
    const init: WhisperWorkerInit = { dir: model.dir, config: model.config, ...options };
    const worker = new Worker(WORKER_URL, { workerData: init, name: `whisper ${model.id}` });
    const languages = await new Promise<string[]>((resolve, reject) => {
      const failed = (err: Error) => {
        void worker.terminate();
        reject(err);
      };
      worker.once('message', (message: FromWhisperWorker) => {
        if (message.type === 'ready') resolve(message.languages);
        else if (message.type === 'failed') failed(revive(message.error));
        else failed(new KiwiError('stt_failed', `The Whisper worker said '${message.type}' before it was ready`, 500));
      });
      worker.once('error', (err) => failed(new KiwiError('stt_failed', `The Whisper worker did not start: ${describeError(err)}`, 500)));
      // Rejecting after 'ready' does nothing; before it, a worker that died says so.
      worker.once('exit', (code) => reject(new KiwiError('stt_failed', `The Whisper worker stopped while loading (exit code ${code})`, 500)));
    });
    return new OnnxWhisper(model.id, worker, languages);
  }

  transcribe(audio: Pcm, options: { language: string; signal?: AbortSignal }): Promise<Transcript> {
    return this.#serial.run(() => this.#job(audio, options));
  }

  #job(audio: Pcm, { language, signal }: { language: string; signal?: AbortSignal }): Promise<Transcript> {
    if (this.#closed) return Promise.reject(this.#closed);
    signal?.throwIfAborted();
    // A copy the worker can own: the caller's buffer stays untouched.
    const samples = Float32Array.from(resampleTo(audio, RATE).samples);
    const abort = new SharedArrayBuffer(4);
    const id = this.#nextId++;
    return new Promise<Transcript>((resolve, reject) => {
      const onAbort = () => {
        Atomics.store(new Int32Array(abort), 0, 1);
        settle(() => reject(signal?.reason ?? new DOMException('This operation was aborted', 'AbortError')));
      };
      const settle = (done: () => void) => {
        signal?.removeEventListener('abort', onAbort);
        if (this.#jobs.delete(id) && this.#jobs.size === 0) this.worker.unref();
        done();
      };
      this.#jobs.set(id, { resolve: (t) => settle(() => resolve(t)), reject: (e) => settle(() => reject(e)) });
      signal?.addEventListener('abort', onAbort, { once: true });
      this.worker.ref(); // a transcript is on its way: keep the process alive for it
      const message: ToWhisperWorker = { type: 'transcribe', id, samples, language, abort };
      this.worker.postMessage(message, [samples.buffer]);
    });
  }

  #onMessage(message: FromWhisperWorker): void {
    if (message.type === 'result') this.#jobs.get(message.id)?.resolve({ text: message.text, language: message.language });
    else if (message.type === 'failed' && message.id !== undefined) this.#jobs.get(message.id)?.reject(revive(message.error));
    else if (message.type === 'failed') process.emitWarning(`Whisper worker: ${message.error.message}`);
    else if (message.type === 'disposed') void this.worker.terminate();
  }

  /** The worker is gone: every waiting caller hears why, later ones too. */
  #fail(err: KiwiError): void {
    this.#closed ??= err;
    for (const job of [...this.#jobs.values()]) job.reject(err);
  }

  dispose(): void {
    if (this.#closed) return;
    this.#closed = new KiwiError('stt_disposed', 'The speech recognizer was closed', 503);
    // The worker finishes the job in hand, frees its sessions, answers 'disposed' and is ended.
    const message: ToWhisperWorker = { type: 'dispose' };
    this.worker.postMessage(message);
  }
}

export const createOnnxWhisper: StageFactory<Stt> = async (model, ctx) =>
  OnnxWhisper.load(model, { threads: configuredThreads(model.config), device: ctx.config.stt_device, fullWindow: ctx.config.stt_full_window });
