import { workerData } from 'node:worker_threads';
import { serveModel } from '../../../platform/model-worker-thread.ts';
import { WhisperDecoder } from './whisper-decoder.ts';
import type { WhisperReady, WhisperRequest, WhisperResult, WhisperWorkerInit } from './whisper-protocol.ts';

/**
 * The worker thread that runs Whisper (see whisper-decoder.ts for why): it loads the model from
 * workerData, then transcribes one job at a time until told to dispose.
 */
const init = workerData as WhisperWorkerInit;

await serveModel<WhisperReady, WhisperRequest, WhisperResult>(async () => {
  const decoder = await WhisperDecoder.load(init.dir, init.config, { threads: init.threads, device: init.device, fullWindow: init.fullWindow });
  // One pass on silence first: onnxruntime's first run (allocations, kernel choice) is not the user's first command.
  await decoder.transcribe(new Float32Array(16000), decoder.languages[0] ?? 'en', () => false);
  return {
    ready: { languages: decoder.languages },
    run: async ({ samples, language, opening }, aborted) => ({ result: await decoder.transcribe(samples, language, aborted, opening) }),
    release: () => decoder.release(),
  };
});
