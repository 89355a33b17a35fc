import { workerData } from 'node:worker_threads';
import { serveModel } from '../../../platform/model-worker-thread.ts';
import type { PiperReady, PiperRequest, PiperResult, PiperWorkerInit } from './piper-protocol.ts';
import { PiperVoice } from './piper-voice.ts';

/** The worker thread that runs a Piper voice: loads it from workerData, speaks one sentence at a time until told to dispose. */
const init = workerData as PiperWorkerInit;

await serveModel<PiperReady, PiperRequest, PiperResult>(async () => {
  const voice = await PiperVoice.load(init.model, init.threads);
  // One short sentence first: onnxruntime's first run (kernel choice) and espeak-ng's dictionary are not the user's first reply.
  await voice.speak('Ready.', 0, 1);
  return {
    ready: { streams: voice.streams, sampleRate: voice.sampleRate, numSpeakers: voice.numSpeakers, voiceNames: voice.voiceNames, notes: voice.notes },
    // `aborted`: a stopped reply's text is not synthesised on to its end (the next reply waits for this thread).
    run: async (request, aborted) => {
      if (request.type === 'begin') return { result: await voice.begin(request.text, request.sid, request.speed, aborted) };
      const samples = request.type === 'speak' ? await voice.speak(request.text, request.sid, request.speed, aborted) : await voice.decode(request.utterance, request.from, request.to);
      return { result: samples, transfer: [samples.buffer as ArrayBuffer] };
    },
    release: () => voice.release(),
  };
});
