import { workerData } from 'node:worker_threads';
import { serveModel } from '../../../platform/model-worker-thread.ts';
import { Ge2eEncoder, PARTIAL } from './ge2e-encoder.ts';
import type { Ge2eRequest, Ge2eWorkerInit } from './ge2e-protocol.ts';

/** The worker thread that runs the GE2E speaker encoder (see ge2e-encoder.ts for why). */
const init = workerData as Ge2eWorkerInit;

await serveModel<Record<string, never>, Ge2eRequest, Float32Array>(async () => {
  const encoder = await Ge2eEncoder.load(init.file, init.threads);
  // One partial first: onnxruntime's first run is not the first speaker's.
  await encoder.embed(Float32Array.from({ length: PARTIAL }, (_, i) => Math.sin(i / 7)), () => false);
  return {
    ready: {},
    run: async ({ samples }, aborted) => {
      const embedding = await encoder.embed(samples, aborted);
      return { result: embedding, transfer: [embedding.buffer as ArrayBuffer] };
    },
    release: () => encoder.release(),
  };
});
