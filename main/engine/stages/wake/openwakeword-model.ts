import path from 'node:path';
import ort from 'onnxruntime-node';
import { KiwiError, describeError } from '../../../platform/errors.ts';

/** openWakeWord's audio framing: 80 ms chunks at 16 kHz, 10 ms mel hop, 76-frame embedding windows. */
export const CHUNK = 1280;
export const HOP = 160;
/** Samples before a chunk the 512-sample mel window needs so frames continue across chunks. */
export const MEL_CONTEXT = 3 * HOP;
export const MEL_BINS = 32;
export const EMBEDDING_FRAMES = 76;
export const EMBEDDING_DIM = 96;

export interface OpenWakeWordFiles {
  melspectrogram: string;
  embedding: string;
  classifier: string;
}

/**
 * The three ONNX graphs of openWakeWord and the small amount of knowledge about them: mel
 * features are scaled x/10 + 2 (what the embedding model was trained on), the audio is in int16
 * range, and a head's input shape [1, N, 96] says how many embeddings (N × 80 ms) it looks at.
 * Sessions are stateless, so one loaded model serves every detector forked from it.
 */
export class OpenWakeWordModel {
  private constructor(
    private readonly mel: ort.InferenceSession,
    private readonly embedding: ort.InferenceSession,
    private readonly classifier: ort.InferenceSession,
    /** Embeddings per head input (16 for the wake-word heads, more for command heads). */
    readonly window: number,
    /** Names of a multi-class head's classes by output index; empty for one-output heads. */
    readonly labels: Record<number, string>,
    /** What a one-output head detects, from its file name ("hey_jarvis_v0.1.onnx" → "hey jarvis"). */
    readonly keyword: string,
  ) {}

  /** The mel frames (76 × 32) and embedding of digital silence: what a stream starts from. */
  readonly silence: { mel: Float32Array; embedding: Float32Array } = {
    mel: new Float32Array(EMBEDDING_FRAMES * MEL_BINS),
    embedding: new Float32Array(EMBEDDING_DIM),
  };

  static async load(dir: string, files: OpenWakeWordFiles): Promise<OpenWakeWordModel> {
    const options: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' };
    const open = (file: string) =>
      ort.InferenceSession.create(path.join(dir, file), options).catch((err: unknown) => {
        throw new KiwiError('model_invalid', `openWakeWord model file ${path.join(dir, file)} cannot be loaded: ${describeError(err)}`, 500);
      });
    const [mel, embedding, classifier] = await Promise.all([open(files.melspectrogram), open(files.embedding), open(files.classifier)]);
    const input = classifier.inputMetadata[0];
    const shape = input?.isTensor ? input.shape : [];
    if (shape.length !== 3 || shape[2] !== EMBEDDING_DIM || typeof shape[1] !== 'number') {
      throw new KiwiError('model_invalid', `${files.classifier} is not an openWakeWord head (input [1, N, ${EMBEDDING_DIM}] expected)`, 500);
    }
    const model = new OpenWakeWordModel(mel, embedding, classifier, shape[1], parseLabels(classifier.outputNames[0] ?? ''), keywordOf(files.classifier));
    // openWakeWord's reference also starts its windows full (of ones and of noise embeddings), so a
    // wake word right at the start of a stream is heard; Kiwi takes the stream to follow silence.
    const frames = await model.melFrames(new Float32Array(CHUNK * 10));
    model.silence.mel.set(frames.subarray(0, EMBEDDING_FRAMES * MEL_BINS));
    model.silence.embedding = await model.embed(model.silence.mel.slice());
    return model;
  }

  /** Mel frames (scaled) of int16-range audio: floor((n - 512) / 160) + 1 rows of 32. */
  async melFrames(pcm16: Float32Array): Promise<Float32Array> {
    const out = await this.mel.run({ [this.mel.inputNames[0]!]: new ort.Tensor('float32', pcm16, [1, pcm16.length]) });
    const raw = out[this.mel.outputNames[0]!]!.data as Float32Array;
    return Float32Array.from(raw, (v) => v / 10 + 2);
  }

  /** One 96-dim embedding of 76 consecutive mel frames (76 × 32, row-major). */
  async embed(frames: Float32Array): Promise<Float32Array> {
    const out = await this.embedding.run({
      [this.embedding.inputNames[0]!]: new ort.Tensor('float32', frames, [1, EMBEDDING_FRAMES, MEL_BINS, 1]),
    });
    return Float32Array.from(out[this.embedding.outputNames[0]!]!.data as Float32Array);
  }

  /** The head's class probabilities for `window` consecutive embeddings (window × 96, row-major). */
  async classify(embeddings: Float32Array): Promise<Float32Array> {
    const out = await this.classifier.run({
      [this.classifier.inputNames[0]!]: new ort.Tensor('float32', embeddings, [1, this.window, EMBEDDING_DIM]),
    });
    return Float32Array.from(out[this.classifier.outputNames[0]!]!.data as Float32Array);
  }

  /**
   * The best class of one head output. A one-output head gives P(keyword); a multi-class head
   * (openWakeWord's timer) gives [none, class 1, ...], so class 0 never counts as a detection.
   */
  best(probs: Float32Array): { keyword: string; score: number } {
    if (probs.length === 1) return { keyword: this.keyword, score: probs[0]! };
    let best = { keyword: this.labels[1] ?? '1', score: -1 };
    for (let c = 1; c < probs.length; c += 1) {
      if (probs[c]! > best.score) best = { keyword: this.labels[c] ?? String(c), score: probs[c]! };
    }
    return best;
  }

  async release(): Promise<void> {
    await Promise.all([this.mel.release(), this.embedding.release(), this.classifier.release()]);
  }
}

/** A multi-class head names its classes in its output's name: {"1": "1_minute_timer", ...}. */
function parseLabels(outputName: string): Record<number, string> {
  if (!outputName.startsWith('{')) return {};
  try {
    return JSON.parse(outputName) as Record<number, string>;
  } catch (err) {
    throw new KiwiError('model_invalid', `openWakeWord head output name is not a label map: ${describeError(err)}`, 500);
  }
}

function keywordOf(file: string): string {
  return path
    .basename(file, '.onnx')
    .replace(/_v\d+(\.\d+)*$/, '')
    .replace(/[_-]+/g, ' ')
    .trim();
}
