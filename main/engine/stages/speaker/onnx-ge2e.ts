import path from 'node:path';
import { KiwiError } from '../../../platform/errors.ts';
import { ModelWorker } from '../../../platform/model-worker.ts';
import { resampleTo } from '../../audio/wav.ts';
import type { Pcm, SpeakerEmbedder } from '../../stages.ts';
import type { StageFactory } from '../factory.ts';
import { SAMPLE_RATE } from '../../../contract/audio.ts';
import { DIMENSION } from './ge2e-encoder.ts';
import type { Ge2eRequest, Ge2eWorkerInit } from './ge2e-protocol.ts';
import { checkVoiceLength } from './voice-length.ts';

const RATE = SAMPLE_RATE;

/**
 * From source this is the bootstrap beside this file (it bundles the thread module, see
 * platform/worker-entry.mjs); in the desktop bundle (dist/desktop)
 * the build writes the compiled worker under the same name beside main.mjs.
 */
const WORKER_URL = new URL('./ge2e-worker.mjs', import.meta.url);

/**
 * The `onnx-ge2e` stage: voice embeddings from Resemblyzer's GE2E encoder (ge2e-encoder.ts) in a
 * worker thread. On the event loop each 1.6 s partial held it 9–25 ms, four or more per
 * utterance, and Kiwi's own replies are embedded too (the self-voice filter): audio in and out
 * waited that long. Utterances are embedded one at a time, in the worker.
 */
export class OnnxGe2e implements SpeakerEmbedder {
  readonly name = 'onnx-ge2e';
  readonly dimension = DIMENSION;

  private constructor(
    readonly model: string,
    private readonly worker: ModelWorker<Ge2eRequest, Float32Array>,
  ) {}

  static async load(file: string, modelId: string, options: { threads: number }): Promise<OnnxGe2e> {
    const init: Ge2eWorkerInit = { file, threads: options.threads };
    const { worker } = await ModelWorker.start<Record<string, never>, Ge2eRequest, Float32Array>(WORKER_URL, init, { name: `GE2E ${modelId}`, code: 'embedding_failed' });
    return new OnnxGe2e(modelId, worker);
  }

  async embed(audio: Pcm, signal?: AbortSignal): Promise<Float32Array> {
    signal?.throwIfAborted();
    // A copy the worker can own: the caller's buffer stays untouched.
    const samples = Float32Array.from(resampleTo(audio, RATE).samples);
    checkVoiceLength(samples);
    return this.worker.run({ samples }, { transfer: [samples.buffer], signal });
  }

  dispose(): void {
    // An embedding in flight finishes first; then the worker frees the session and ends.
    this.worker.dispose(new KiwiError('speaker_disposed', 'The speaker model was closed', 503));
  }
}

export const createOnnxGe2e: StageFactory<SpeakerEmbedder> = async (model) => {
  const file = path.join(model.dir, typeof model.config.model === 'string' ? model.config.model : 'ge2e.onnx');
  const threads = typeof model.config.num_threads === 'number' ? model.config.num_threads : 1;
  return OnnxGe2e.load(file, model.id, { threads });
};
