import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { describeError, KiwiError } from '../../../platform/errors.ts';
import { resampleTo } from '../../audio/wav.ts';
import type { ResolvedModel } from '../../models/resolve.ts';
import type { Pcm, SpeakerEmbedder } from '../../stages.ts';
import type { StageFactory } from '../factory.ts';
import { SerialQueue } from '../../../platform/serial-queue.ts';
import { SHERPA_SPEAKER_WORKER_SOURCE } from './sherpa-speaker-worker.ts';
import { checkVoiceLength } from './voice-length.ts';
import { SAMPLE_RATE } from '../../../contract/audio.ts';

const RATE = SAMPLE_RATE;

/** sherpa-onnx's SpeakerEmbeddingExtractorConfig (one shape for 3D-Speaker, WeSpeaker and NeMo models). */
export interface SherpaSpeakerConfig {
  model: string;
  numThreads: number;
  provider: string;
  debug: boolean;
}

/**
 * The extractor config from a catalog entry: `config.model` is the .onnx file inside the model
 * folder; optional `num_threads` (default 1: the other core stays for VAD and the event loop)
 * and `provider` (default cpu). sherpa reads the model family (framework, sample rate, feature
 * normalisation) from the ONNX file's metadata, so nothing else is needed.
 */
export function sherpaSpeakerConfig(model: Pick<ResolvedModel, 'id' | 'dir' | 'config'>): SherpaSpeakerConfig {
  const { config } = model;
  if (typeof config.model !== 'string' || config.model === '') {
    throw new KiwiError('model_invalid', `Speaker model '${model.id}' has no 'model' file in its catalog config`, 500);
  }
  const threads = config.num_threads ?? 1;
  if (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1 || threads > 16) {
    throw new KiwiError('model_invalid', `Speaker model '${model.id}': num_threads must be an integer 1..16`, 500);
  }
  return {
    model: path.join(model.dir, config.model),
    numThreads: threads,
    provider: typeof config.provider === 'string' ? config.provider : 'cpu',
    debug: false,
  };
}

type Reply = { id: number; embedding: Float32Array } | { id: number; error: string; code: string };
type Ready = { type: 'ready'; dim: number } | { type: 'failed'; message: string };

const require = createRequire(import.meta.url);
/** HTTP status of the worker's error codes (the rest are 500: a model fault, not the caller's). */
const STATUS: Record<string, number> = { audio_too_short: 400, speaker_unavailable: 503 };

/**
 * Speaker embeddings from sherpa-onnx's SpeakerEmbeddingExtractor, computed on a worker thread
 * (sherpa offers no async call for it; see sherpa-speaker-worker.ts). One request at a time;
 * the worker is unref'd while idle so it never keeps a finished CLI process alive.
 */
export class SherpaSpeakerEmbedder implements SpeakerEmbedder {
  readonly name = 'sherpa-speaker';
  readonly #queue = new SerialQueue();
  readonly #pending = new Map<number, (reply: Reply) => void>();
  #next = 1;
  #dead: string | null = null;

  private constructor(
    readonly model: string,
    readonly dimension: number,
    private readonly worker: Worker,
  ) {
    worker.on('message', (reply: Reply) => this.#pending.get(reply.id)?.(reply));
    worker.on('error', (err) => this.#fail(`the speaker worker failed: ${describeError(err)}`));
    worker.on('exit', (code) => this.#fail(`the speaker worker exited (code ${code})`));
    worker.unref();
  }

  static async load(config: SherpaSpeakerConfig, modelId: string): Promise<SherpaSpeakerEmbedder> {
    // sherpa aborts the whole process (not just throws) on some bad configs: check what we can first.
    await fs.access(config.model).catch((err: NodeJS.ErrnoException) => {
      throw new KiwiError('model_invalid', `Speaker model file ${config.model} cannot be read (${err.code ?? err.message})`, 500);
    });
    const worker = new Worker(SHERPA_SPEAKER_WORKER_SOURCE, {
      eval: true,
      workerData: { sherpaPath: require.resolve('sherpa-onnx-node'), config },
    });
    const handlers: { message?: (m: Ready) => void; error?: (err: Error) => void; exit?: (code: number) => void } = {};
    const ready = await new Promise<Ready>((resolve) => {
      handlers.message = (m) => resolve(m);
      handlers.error = (err) => resolve({ type: 'failed', message: describeError(err) });
      handlers.exit = (code) => resolve({ type: 'failed', message: `worker exited with code ${code}` });
      worker.once('message', handlers.message).once('error', handlers.error).once('exit', handlers.exit);
    });
    worker.off('message', handlers.message!).off('error', handlers.error!).off('exit', handlers.exit!);
    if (ready.type !== 'ready' || !(ready.dim > 0)) {
      await worker.terminate();
      const why = ready.type === 'failed' ? ready.message : `dimension ${ready.dim}`;
      throw new KiwiError('model_invalid', `Speaker model '${modelId}' cannot be loaded by sherpa-onnx: ${why}`, 500);
    }
    return new SherpaSpeakerEmbedder(modelId, ready.dim, worker);
  }

  embed(audio: Pcm, signal?: AbortSignal): Promise<Float32Array> {
    return this.#queue.run(async () => {
      if (this.#dead) throw new KiwiError('speaker_unavailable', `Speaker model '${this.model}': ${this.#dead}`, 503);
      signal?.throwIfAborted();
      const samples = resampleTo(audio, RATE).samples;
      checkVoiceLength(samples);
      return unit(await this.#request(samples, signal));
    });
  }

  dispose(): void {
    if (this.#dead) return;
    this.#fail('the speaker model was closed');
    void this.worker.terminate().catch((err: unknown) => process.emitWarning(`speaker worker did not stop: ${describeError(err)}`));
  }

  #request(samples: Float32Array, signal?: AbortSignal): Promise<Float32Array> {
    const id = this.#next++;
    this.worker.ref(); // a request in flight keeps the process alive until it is answered
    return new Promise<Float32Array>((resolve, reject) => {
      const onAbort = () => settle({ id, code: 'aborted', error: 'aborted' });
      const settle = (reply: Reply) => {
        this.#pending.delete(id);
        signal?.removeEventListener('abort', onAbort);
        if (this.#pending.size === 0) this.worker.unref();
        if ('embedding' in reply) resolve(reply.embedding);
        else if (reply.code === 'aborted') reject(signal?.reason ?? new KiwiError('aborted', 'Embedding aborted'));
        else reject(new KiwiError(reply.code, `Speaker model '${this.model}': ${reply.error}`, STATUS[reply.code] ?? 500));
      };
      this.#pending.set(id, settle);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.worker.postMessage({ id, samples, sampleRate: RATE });
    });
  }

  #fail(why: string): void {
    this.#dead ??= why;
    for (const [id, settle] of [...this.#pending]) settle({ id, code: 'speaker_unavailable', error: why });
  }
}

function unit(v: Float32Array): Float32Array {
  const norm = Math.hypot(...v);
  if (!(norm > 0) || !Number.isFinite(norm)) throw new KiwiError('embedding_failed', 'The speaker model returned an empty embedding', 500);
  return v.map((x) => x / norm);
}

export const createSherpaSpeaker: StageFactory<SpeakerEmbedder> = async (model) =>
  SherpaSpeakerEmbedder.load(sherpaSpeakerConfig(model), model.id);
