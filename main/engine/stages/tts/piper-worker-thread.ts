import { parentPort, workerData } from 'node:worker_threads';
import { SerialQueue } from '../../../platform/serial-queue.ts';
import { serializeError } from '../../../platform/worker-errors.ts';
import type { FromPiperWorker, PiperWorkerInit, ToPiperWorker } from './piper-protocol.ts';
import { PiperVoice } from './piper-voice.ts';

/** The worker thread that runs a Piper voice: loads it from workerData, speaks one text at a time until told to dispose. */
const port = parentPort;
if (!port) throw new Error('piper-worker-thread.ts runs only as a worker thread');
const init = workerData as PiperWorkerInit;
const post = (message: FromPiperWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

let voice: PiperVoice | undefined;
try {
  voice = await PiperVoice.load(init.model, init.threads);
  // One short sentence first: onnxruntime's first run (kernel choice) and espeak-ng's dictionary are not the user's first reply.
  await voice.speak('Ready.', 0, 1);
  post({ type: 'ready', sampleRate: voice.sampleRate, numSpeakers: voice.numSpeakers });
} catch (err) {
  post({ type: 'failed', error: serializeError(err) });
  port.close();
}

if (voice) {
  const loaded = voice;
  const serial = new SerialQueue();
  port.on('message', (message: ToPiperWorker) => {
    if (message.type === 'speak') {
      void serial.run(async () => {
        try {
          const samples = await loaded.speak(message.text, message.sid, message.speed);
          post({ type: 'audio', id: message.id, samples }, [samples.buffer as ArrayBuffer]);
        } catch (err) {
          post({ type: 'failed', id: message.id, error: serializeError(err) });
        }
      });
    } else {
      void serial.run(async () => {
        try {
          await loaded.release();
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
