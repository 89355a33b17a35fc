import { parentPort, workerData } from 'node:worker_threads';
import { SerialQueue } from '../../../platform/serial-queue.ts';
import { serializeError as serialize } from '../../../platform/worker-errors.ts';
import { WhisperDecoder } from './whisper-decoder.ts';
import type { FromWhisperWorker, ToWhisperWorker, WhisperWorkerInit } from './whisper-protocol.ts';

/**
 * The worker thread that runs Whisper (see whisper-decoder.ts for why): it loads the model from
 * workerData, then transcribes one job at a time until told to dispose.
 */
const port = parentPort;
if (!port) throw new Error('whisper-worker-thread.ts runs only as a worker thread');
const init = workerData as WhisperWorkerInit;
const post = (message: FromWhisperWorker) => port.postMessage(message);

let decoder: WhisperDecoder | undefined;
try {
  decoder = await WhisperDecoder.load(init.dir, init.config, { threads: init.threads, device: init.device, fullWindow: init.fullWindow });
  // One pass on silence first: onnxruntime's first run (allocations, kernel choice) is not the user's first command.
  await decoder.transcribe(new Float32Array(16000), decoder.languages[0] ?? 'en', () => false);
  post({ type: 'ready', languages: decoder.languages });
} catch (err) {
  post({ type: 'failed', error: serialize(err) });
  port.close();
}

if (decoder) {
  const loaded = decoder;
  const serial = new SerialQueue();
  port.on('message', (message: ToWhisperWorker) => {
    if (message.type === 'transcribe') {
      const flag = new Int32Array(message.abort);
      void serial.run(async () => {
        try {
          const heard = await loaded.transcribe(message.samples, message.language, () => Atomics.load(flag, 0) === 1);
          post({ type: 'result', id: message.id, ...heard });
        } catch (err) {
          post({ type: 'failed', id: message.id, error: serialize(err) });
        }
      });
    } else {
      void serial.run(async () => {
        try {
          await loaded.release();
          post({ type: 'disposed' });
        } catch (err) {
          post({ type: 'failed', error: serialize(err) });
        } finally {
          port.close();
        }
      });
    }
  });
}
