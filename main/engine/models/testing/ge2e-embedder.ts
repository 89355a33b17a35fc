import path from 'node:path';
import ort from 'onnxruntime-node';

const PARTIAL = 25_600; // 1.6 s at 16 kHz: the utterance length the GE2E encoder was trained on
const STEP = 12_800; // partials overlap by half, as Resemblyzer does

/** Voice embeddings from the converted Resemblyzer encoder (ge2e.onnx: audio in, 256-d out). */
export class Ge2eEmbedder {
  private constructor(private readonly session: ort.InferenceSession) {}

  static async load(dir: string): Promise<Ge2eEmbedder> {
    return new Ge2eEmbedder(await ort.InferenceSession.create(path.join(dir, 'ge2e.onnx'), { intraOpNumThreads: 1 }));
  }

  /** Mean of the partial embeddings, L2-normalised (Resemblyzer's embed_utterance). */
  async embed(samples: Float32Array): Promise<Float32Array> {
    const sum = new Float32Array(256);
    for (let start = 0; start === 0 || start + PARTIAL <= samples.length + STEP / 2; start += STEP) {
      const partial = new Float32Array(PARTIAL);
      partial.set(samples.subarray(start, start + PARTIAL));
      const out = await this.session.run({ audio: new ort.Tensor('float32', partial, [1, PARTIAL]) });
      (out.embedding!.data as Float32Array).forEach((v, i) => (sum[i]! += v));
    }
    const norm = Math.hypot(...sum);
    return sum.map((v) => v / norm);
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

export const cosine = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i]!, 0);
