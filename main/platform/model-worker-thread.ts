import { parentPort } from 'node:worker_threads';
import type { FromModelWorker, ToModelWorker } from './model-worker.ts';
import { SerialQueue } from './serial-queue.ts';
import { serializeError } from './worker-errors.ts';

/** What a model worker thread serves: its model, loaded and warmed up. */
export interface ServedModel<Ready, Request, Result> {
  ready: Ready;
  /** `aborted()` turns true once the caller gave up on the job: stop at the next step that checks it. */
  run(request: Request, aborted: () => boolean): Promise<{ result: Result; transfer?: ArrayBuffer[] }>;
  release(): Promise<void>;
}

/**
 * The worker-thread side of ModelWorker: load the model, answer 'ready' (or 'failed' and end),
 * then run jobs one at a time until told to dispose.
 */
export async function serveModel<Ready, Request, Result>(load: () => Promise<ServedModel<Ready, Request, Result>>): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('a model worker runs only as a worker thread');
  const post = (message: FromModelWorker<Ready, Result>, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
  let model: ServedModel<Ready, Request, Result>;
  try {
    model = await load();
    post({ type: 'ready', ready: model.ready });
  } catch (err) {
    post({ type: 'failed', error: serializeError(err) });
    port.close();
    return;
  }
  const serial = new SerialQueue();
  port.on('message', (message: ToModelWorker<Request>) => {
    if (message.type === 'job') {
      void serial.run(async () => {
        try {
          const flag = new Int32Array(message.abort);
          const aborted = () => Atomics.load(flag, 0) === 1;
          // A job its caller gave up on while it waited is never started: it would only delay the jobs behind it.
          if (aborted()) throw new Error('aborted before it started');
          const { result, transfer } = await model.run(message.request, aborted);
          post({ type: 'done', id: message.id, result }, transfer);
        } catch (err) {
          post({ type: 'failed', id: message.id, error: serializeError(err) });
        }
      });
    } else {
      void serial.run(async () => {
        try {
          await model.release();
          post({ type: 'disposed' });
        } catch (err) {
          post({ type: 'failed', error: serializeError(err) });
        } finally {
          port.close();
        }
      });
    }
  });
}
