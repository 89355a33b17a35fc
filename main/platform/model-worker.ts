import { Worker } from 'node:worker_threads';
import { describeError, KiwiError } from './errors.ts';
import { reviveError, type SerializedError } from './worker-errors.ts';

/**
 * The main-thread side of a worker thread that holds one model (Whisper, Piper): onnxruntime-node's
 * `run` holds its thread for the whole pass, so that thread must never be the event loop's. The
 * worker (model-worker-thread.ts) loads the model, answers 'ready', then runs one job at a time.
 */
/** `abort`: a flag the caller raises (Atomics) when the job's signal aborts; the worker checks it between steps. */
export type ToModelWorker<Request> = { type: 'job'; id: number; request: Request; abort: SharedArrayBuffer } | { type: 'dispose' };

export type FromModelWorker<Ready, Result> =
  | { type: 'ready'; ready: Ready }
  | { type: 'done'; id: number; result: Result }
  | { type: 'failed'; id?: number; error: SerializedError }
  | { type: 'disposed' };

interface Job<Result> {
  resolve(result: Result): void;
  reject(err: Error): void;
}

export interface ModelWorkerOptions {
  /** Thread name and the name in error texts ("the Piper worker"). */
  name: string;
  /** Error code when the worker fails or dies (`stt_failed`, `tts_failed`). */
  code: string;
}

export class ModelWorker<Request, Result> {
  readonly #jobs = new Map<number, Job<Result>>();
  #nextId = 1;
  #closed: KiwiError | undefined;

  private constructor(
    private readonly worker: Worker,
    private readonly options: ModelWorkerOptions,
  ) {
    const { name, code } = options;
    worker.on('message', (message: FromModelWorker<unknown, Result>) => this.#onMessage(message));
    worker.on('error', (err) => this.#fail(new KiwiError(code, `The ${name} worker failed: ${describeError(err)}`, 500)));
    worker.on('exit', (exit) => this.#fail(new KiwiError(code, `The ${name} worker stopped (exit code ${exit})`, 500)));
    worker.unref(); // an idle model never keeps the process alive
  }

  /** Start the worker and wait until its model is loaded (or say why it is not). */
  static async start<Ready, Request, Result>(url: URL, workerData: unknown, options: ModelWorkerOptions): Promise<{ worker: ModelWorker<Request, Result>; ready: Ready }> {
    const { name, code } = options;
    const worker = new Worker(url, { workerData, name });
    const ready = await new Promise<Ready>((resolve, reject) => {
      const failed = (err: Error) => {
        void worker.terminate();
        reject(err);
      };
      worker.once('message', (message: FromModelWorker<Ready, Result>) => {
        if (message.type === 'ready') resolve(message.ready);
        else if (message.type === 'failed') failed(reviveError(message.error));
        else failed(new KiwiError(code, `The ${name} worker said '${message.type}' before it was ready`, 500));
      });
      worker.once('error', (err) => failed(new KiwiError(code, `The ${name} worker did not start: ${describeError(err)}`, 500)));
      // Rejecting after 'ready' does nothing; before it, a worker that died says so.
      worker.once('exit', (exit) => reject(new KiwiError(code, `The ${name} worker stopped while loading (exit code ${exit})`, 500)));
    });
    return { worker: new ModelWorker<Request, Result>(worker, options), ready };
  }

  /**
   * One job. On abort the caller is answered at once and the job's abort flag is raised; the job
   * still ends in the worker (at its next check), which runs the next one only after it.
   */
  run(request: Request, options: { transfer?: ArrayBuffer[]; signal?: AbortSignal } = {}): Promise<Result> {
    const { signal } = options;
    if (this.#closed) return Promise.reject(this.#closed);
    signal?.throwIfAborted();
    const id = this.#nextId++;
    const abort = new SharedArrayBuffer(4);
    return new Promise<Result>((resolve, reject) => {
      const aborted = () => {
        Atomics.store(new Int32Array(abort), 0, 1);
        settle(() => reject(signal?.reason));
      };
      const settle = (done: () => void) => {
        signal?.removeEventListener('abort', aborted);
        if (this.#jobs.delete(id) && this.#jobs.size === 0) this.worker.unref();
        done();
      };
      this.#jobs.set(id, { resolve: (r) => settle(() => resolve(r)), reject: (e) => settle(() => reject(e)) });
      signal?.addEventListener('abort', aborted, { once: true });
      this.worker.ref(); // a result is on its way: keep the process alive for it
      const message: ToModelWorker<Request> = { type: 'job', id, request, abort };
      this.worker.postMessage(message, options.transfer ?? []);
    });
  }

  /**
   * Refuse new jobs with `closed`; the worker finishes the job in hand, frees its model and is
   * ended. Until then it keeps the process alive: a CLI that ended right after dispose() exited
   * while the worker was inside onnxruntime's release, and the process aborted (Napi::Error, 134).
   */
  dispose(closed: KiwiError): void {
    if (this.#closed) return;
    this.#closed = closed;
    this.worker.ref();
    const message: ToModelWorker<Request> = { type: 'dispose' };
    this.worker.postMessage(message);
  }

  #onMessage(message: FromModelWorker<unknown, Result>): void {
    if (message.type === 'done') this.#jobs.get(message.id)?.resolve(message.result);
    else if (message.type === 'failed' && message.id !== undefined) this.#jobs.get(message.id)?.reject(reviveError(message.error));
    else if (message.type === 'failed') process.emitWarning(`${this.options.name} worker: ${message.error.message}`);
    else if (message.type === 'disposed') void this.worker.terminate();
  }

  /** The worker is gone: every waiting caller hears why, later ones too. */
  #fail(err: KiwiError): void {
    this.#closed ??= err;
    for (const job of [...this.#jobs.values()]) job.reject(err);
  }
}
