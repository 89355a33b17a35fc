/**
 * The body of the worker thread that runs sherpa-onnx's SpeakerEmbeddingExtractor. sherpa-onnx-node
 * 1.13.8 has no async speaker-embedding call (only the recognizers and TTS have *Async), so the
 * synchronous compute runs on this thread instead of the event loop.
 *
 * It is plain CommonJS source run with `new Worker(source, { eval: true })`, so it works the same
 * under tsx, vitest and the esbuild bundle of the desktop app (no separate file to ship or
 * transpile). `workerData`: { sherpaPath, config }.
 *
 * Messages in: { id, samples: Float32Array, sampleRate }.
 * Messages out: { type: 'ready', dim } | { type: 'failed', message } once, then per request
 * { id, embedding: Float32Array } | { id, error, code }.
 */
export const SHERPA_SPEAKER_WORKER_SOURCE = `
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const message = (err) => (err && err.message) || String(err);
let extractor = null;
try {
  const sherpa = require(workerData.sherpaPath);
  extractor = new sherpa.SpeakerEmbeddingExtractor(workerData.config);
  parentPort.postMessage({ type: 'ready', dim: extractor.dim });
} catch (err) {
  parentPort.postMessage({ type: 'failed', message: message(err) });
}
parentPort.on('message', (request) => {
  if (!extractor) {
    parentPort.postMessage({ id: request.id, code: 'speaker_unavailable', error: 'the speaker model did not load' });
    return;
  }
  try {
    const stream = extractor.createStream();
    stream.acceptWaveform({ samples: request.samples, sampleRate: request.sampleRate });
    stream.inputFinished();
    if (!extractor.isReady(stream)) {
      parentPort.postMessage({ id: request.id, code: 'audio_too_short', error: 'too little audio for the speaker model' });
      return;
    }
    const embedding = Float32Array.from(extractor.compute(stream, false));
    parentPort.postMessage({ id: request.id, embedding });
  } catch (err) {
    parentPort.postMessage({ id: request.id, code: 'embedding_failed', error: message(err) });
  }
});
`;
