import { KiwiError, describeError } from '../../../platform/errors.ts';
import type { WakeDetection, WakeWord } from '../../stages.ts';
import type { StageFactory } from '../factory.ts';
import { CHUNK, EMBEDDING_DIM, EMBEDDING_FRAMES, MEL_BINS, MEL_CONTEXT, OpenWakeWordModel, type OpenWakeWordFiles } from './openwakeword-model.ts';
import { Refractory } from './refractory.ts';

/** One head output: the best class and its score, for the 80 ms chunk ending at sample `at`. */
export interface WakeScore {
  keyword: string;
  score: number;
  at: number;
}

/**
 * Streaming openWakeWord: 16 kHz audio of any length is cut into 80 ms chunks; each chunk adds 8
 * mel frames (computed with the 3 previous hops of audio, so frames run on without seams), one
 * embedding of the last 76 frames, and one head score over the last N embeddings. At the start of
 * a stream the windows hold silence (see OpenWakeWordModel.silence), so the first chunk already
 * scores and a wake word at the very start is heard. Chunks are processed one at a time, in order.
 */
export class OpenWakeWord implements WakeWord {
  readonly name = 'openwakeword';
  #pending = new Float32Array(0);
  /** The last MEL_CONTEXT samples of the previous chunk; null before the first chunk. */
  #context: Float32Array | null = null;
  /** Shift registers of the last 76 mel frames and the last N embeddings. */
  readonly #mel = new Float32Array(EMBEDDING_FRAMES * MEL_BINS);
  readonly #embeddings: Float32Array;
  /** Samples of the stream turned into chunks so far (the clock of `at`). */
  #clock = 0;
  readonly #refractory = new Refractory();
  #queue: Promise<unknown> = Promise.resolve();
  #disposed = false;

  constructor(
    private readonly model: OpenWakeWordModel,
    private readonly threshold: number,
    /** Only the detector that loaded the model frees it; forks share it. */
    private readonly owner = true,
  ) {
    this.#embeddings = new Float32Array(model.window * EMBEDDING_DIM);
    this.reset();
  }

  static async load(dir: string, files: OpenWakeWordFiles, threshold: number): Promise<OpenWakeWord> {
    return new OpenWakeWord(await OpenWakeWordModel.load(dir, files), threshold);
  }

  /** The keyword(s) this head detects: one name, or a multi-class head's class names. */
  get keywords(): string[] {
    const labels = Object.values(this.model.labels);
    return labels.length ? labels : [this.model.keyword];
  }

  async accept(samples: Float32Array): Promise<WakeDetection | null> {
    let hit: WakeDetection | null = null;
    for (const s of await this.scores(samples)) {
      if (!hit && this.#refractory.fire(s.score, this.threshold, s.at)) hit = s;
    }
    return hit;
  }

  /** Every head score the samples complete (the raw stream the detector thresholds). */
  scores(samples: Float32Array): Promise<WakeScore[]> {
    const run = this.#queue.then(() => this.#process(samples));
    // The next call waits for this one whether it failed or not; its caller sees the failure.
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #process(samples: Float32Array): Promise<WakeScore[]> {
    if (this.#disposed) throw new KiwiError('wake_disposed', 'This openWakeWord detector was disposed', 500);
    const all = concat(this.#pending, samples);
    const out: WakeScore[] = [];
    let offset = 0;
    for (; offset + CHUNK <= all.length; offset += CHUNK) {
      out.push(await this.#chunk(all.subarray(offset, offset + CHUNK)));
    }
    this.#pending = all.slice(offset);
    return out;
  }

  async #chunk(chunk: Float32Array): Promise<WakeScore> {
    // The models were trained on int16-range audio.
    const context = this.#context ?? new Float32Array(0);
    const pcm = new Float32Array(context.length + CHUNK);
    for (let i = 0; i < context.length; i += 1) pcm[i] = context[i]! * 32767;
    for (let i = 0; i < CHUNK; i += 1) pcm[context.length + i] = chunk[i]! * 32767;
    this.#context = chunk.slice(CHUNK - MEL_CONTEXT);
    this.#clock += CHUNK;

    push(this.#mel, await this.model.melFrames(pcm));
    push(this.#embeddings, await this.model.embed(this.#mel.slice()));
    const best = this.model.best(await this.model.classify(this.#embeddings.slice()));
    return { ...best, at: this.#clock };
  }

  /** Back to the start of a stream: windows of silence, clock at 0, no refractory period. */
  reset(): void {
    this.#pending = new Float32Array(0);
    this.#context = null;
    this.#mel.set(this.model.silence.mel);
    for (let i = 0; i < this.model.window; i += 1) this.#embeddings.set(this.model.silence.embedding, i * EMBEDDING_DIM);
    this.#clock = 0;
    this.#refractory.reset();
  }

  fork(): OpenWakeWord {
    return new OpenWakeWord(this.model, this.threshold, false);
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    if (!this.owner) return;
    // A chunk in flight finishes first; then the native sessions are freed.
    void this.#queue
      .then(() => this.model.release())
      .catch((err: unknown) => process.emitWarning(`openWakeWord sessions were not released: ${describeError(err)}`));
  }
}

/** Appends rows to a fixed-size shift register, dropping the oldest. */
function push(register: Float32Array, rows: Float32Array): void {
  if (rows.length >= register.length) {
    register.set(rows.subarray(rows.length - register.length));
    return;
  }
  register.copyWithin(0, rows.length);
  register.set(rows, register.length - rows.length);
}

function concat(a: Float32Array, b: Float32Array): Float32Array {
  if (!a.length) return b;
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** The catalog's `config` for an openWakeWord model: the three file names. */
function filesOf(config: Record<string, unknown>, id: string): OpenWakeWordFiles {
  const pick = (key: keyof OpenWakeWordFiles, fallback?: string) => {
    const value = config[key] ?? fallback;
    if (typeof value !== 'string' || !value) throw new KiwiError('model_invalid', `Model '${id}' has no '${key}' file in its catalog config`, 500);
    return value;
  };
  return { melspectrogram: pick('melspectrogram', 'melspectrogram.onnx'), embedding: pick('embedding', 'embedding_model.onnx'), classifier: pick('classifier') };
}

export const createOpenWakeWord: StageFactory<WakeWord> = async (model, ctx) =>
  OpenWakeWord.load(model.dir, filesOf(model.config, model.id), ctx.config.voice.wake_threshold);
