import { KiwiError } from '../../../platform/errors.ts';
import { ModelWorker } from '../../../platform/model-worker.ts';
import { resampleTo } from '../../audio/wav.ts';
import type { Pcm, Stt, TranscribeOptions, Transcript } from '../../stages.ts';
import type { StageFactory } from '../factory.ts';
import { SerialQueue } from '../../../platform/serial-queue.ts';
import { configuredThreads } from './sherpa-config.ts';
import { RATE, type WhisperLoadOptions } from './whisper-decoder.ts';
import type { WhisperReady, WhisperRequest, WhisperResult, WhisperWorkerInit } from './whisper-protocol.ts';

/**
 * From source this is the bootstrap beside this file (it bundles the thread module, see
 * platform/worker-entry.mjs); in the desktop bundle (dist/desktop)
 * the build writes the compiled worker under the same name beside main.mjs.
 */
const WORKER_URL = new URL('./whisper-worker.mjs', import.meta.url);

/**
 * The `onnx-whisper` stage: Whisper encoder/decoder graphs decoded greedily in a worker thread
 * (whisper-decoder.ts), so neither the 30 s encoder pass nor the decoder steps ever hold the
 * event loop. Jobs run one at a time; an aborted job stops at its next decoder step and its
 * caller is answered at once.
 */
export class OnnxWhisper implements Stt {
  readonly name = 'onnx-whisper';
  readonly #serial = new SerialQueue();

  private constructor(
    readonly model: string,
    private readonly worker: ModelWorker<WhisperRequest, WhisperResult>,
    /** Languages the model takes (['en'] for English-only models). */
    readonly languages: string[],
  ) {}

  static async load(model: { id: string; dir: string; config: Record<string, unknown> }, options: WhisperLoadOptions): Promise<OnnxWhisper> {
    const init: WhisperWorkerInit = { dir: model.dir, config: model.config, ...options };
    const { worker, ready } = await ModelWorker.start<WhisperReady, WhisperRequest, WhisperResult>(WORKER_URL, init, { name: `whisper ${model.id}`, code: 'stt_failed' });
    return new OnnxWhisper(model.id, worker, ready.languages);
  }

  transcribe(audio: Pcm, { language, signal, opening }: TranscribeOptions): Promise<Transcript> {
    return this.#serial.run(() => {
      signal?.throwIfAborted();
      // A copy the worker can own: the caller's buffer stays untouched.
      const samples = Float32Array.from(resampleTo(audio, RATE).samples);
      return this.worker.run({ samples, language, ...(opening ? { opening } : {}) }, { transfer: [samples.buffer], signal });
    });
  }

  dispose(): void {
    // The worker finishes the job in hand, frees its sessions and is ended.
    this.worker.dispose(new KiwiError('stt_disposed', 'The speech recognizer was closed', 503));
  }
}

export const createOnnxWhisper: StageFactory<Stt> = async (model, ctx) =>
  OnnxWhisper.load(model, { threads: configuredThreads(model.config), device: ctx.config.stt_device, fullWindow: ctx.config.stt_full_window });
