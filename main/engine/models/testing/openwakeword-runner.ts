import path from 'node:path';
import ort from 'onnxruntime-node';

/**
 * openWakeWord's three-stage pipeline on onnxruntime-node, for whole clips (what the model
 * tests need): 16 kHz audio → melspectrogram.onnx (32 bins, scaled x/10 + 2) → embedding_model.onnx
 * on 76-frame windows every 8 frames (80 ms) → classifier on the last N embeddings (N from the head).
 */
export class OpenWakeWordRunner {
  private constructor(
    private readonly mel: ort.InferenceSession,
    private readonly embedding: ort.InferenceSession,
    private readonly classifier: ort.InferenceSession,
    /** How many embeddings the head looks at: 16 for wake words, more for longer commands. */
    private readonly window: number,
  ) {}

  static async load(dir: string, classifierFile: string): Promise<OpenWakeWordRunner> {
    const options: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 1, interOpNumThreads: 1 };
    const [mel, embedding, classifier] = await Promise.all([
      ort.InferenceSession.create(path.join(dir, 'melspectrogram.onnx'), options),
      ort.InferenceSession.create(path.join(dir, 'embedding_model.onnx'), options),
      ort.InferenceSession.create(path.join(dir, classifierFile), options),
    ]);
    const input = classifier.inputMetadata[0];
    const window = input?.isTensor && typeof input.shape[1] === 'number' ? input.shape[1] : 16;
    return new OpenWakeWordRunner(mel, embedding, classifier, window);
  }

  /** The highest wake-word score over the clip (0..1). */
  async maxScore(samples: Float32Array): Promise<number> {
    return (await this.detect(samples)).score;
  }

  /**
   * The best detection over the clip. Binary heads output one probability; multi-class heads
   * (openWakeWord's timer) output [none, class 1, ...] with the class names in the output's name.
   */
  async detect(samples: Float32Array): Promise<{ score: number; label: string | null }> {
    const labels = this.labels();
    let best = { score: 0, label: null as string | null };
    for (const probs of await this.scores(samples)) {
      const first = probs.length === 1 ? 0 : 1; // class 0 of a multi-class head means "none of them"
      for (let c = first; c < probs.length; c += 1) {
        if (probs[c]! > best.score) best = { score: probs[c]!, label: labels[c] ?? null };
      }
    }
    return best;
  }

  private labels(): Record<number, string> {
    const name = this.classifier.outputNames[0] ?? '';
    if (!name.startsWith('{')) return {};
    return JSON.parse(name) as Record<number, string>; // e.g. {"1": "1_minute_timer", ...}
  }

  /** The head's output (class probabilities) per 80 ms step once its window of embeddings is available. */
  async scores(samples: Float32Array): Promise<Float32Array[]> {
    // The models were trained on int16-range input.
    const pcm = Float32Array.from(samples, (s) => s * 32767);
    const melOut = await this.mel.run({ [this.mel.inputNames[0]!]: new ort.Tensor('float32', pcm, [1, pcm.length]) });
    const melRaw = melOut[this.mel.outputNames[0]!]!.data as Float32Array;
    const frames = melRaw.length / 32;
    const mel = Float32Array.from(melRaw, (v) => v / 10 + 2);

    const embeddings: Float32Array[] = [];
    for (let end = 76; end <= frames; end += 8) {
      const window = mel.subarray((end - 76) * 32, end * 32);
      const out = await this.embedding.run({
        [this.embedding.inputNames[0]!]: new ort.Tensor('float32', Float32Array.from(window), [1, 76, 32, 1]),
      });
      embeddings.push(Float32Array.from(out[this.embedding.outputNames[0]!]!.data as Float32Array));
    }

    const scores: Float32Array[] = [];
    const n = this.window;
    for (let end = n; end <= embeddings.length; end += 1) {
      const input = new Float32Array(n * 96);
      embeddings.slice(end - n, end).forEach((e, i) => input.set(e, i * 96));
      const out = await this.classifier.run({ [this.classifier.inputNames[0]!]: new ort.Tensor('float32', input, [1, n, 96]) });
      scores.push(Float32Array.from(out[this.classifier.outputNames[0]!]!.data as Float32Array));
    }
    return scores;
  }

  async release(): Promise<void> {
    await Promise.all([this.mel.release(), this.embedding.release(), this.classifier.release()]);
  }
}
