import { OpenWakeWord } from '../../stages/wake/openwakeword.ts';

/**
 * Whole-clip scoring for model tests, on the production streaming adapter
 * (stages/wake/openwakeword.ts): the clip is streamed through a fresh detector and the best
 * head output is kept.
 */
export class OpenWakeWordRunner {
  private constructor(private readonly wake: OpenWakeWord) {}

  static async load(dir: string, classifierFile: string): Promise<OpenWakeWordRunner> {
    const files = { melspectrogram: 'melspectrogram.onnx', embedding: 'embedding_model.onnx', classifier: classifierFile };
    return new OpenWakeWordRunner(await OpenWakeWord.load(dir, files, 0.5));
  }

  /** The highest wake-word score over the clip (0..1). */
  async maxScore(samples: Float32Array): Promise<number> {
    return (await this.detect(samples)).score;
  }

  /** The best class over the clip: a multi-class head (timer) names it, a wake-word head gives its phrase. */
  async detect(samples: Float32Array): Promise<{ score: number; label: string | null }> {
    const probe = this.wake.fork();
    let best = { score: 0, label: null as string | null };
    for (const s of await probe.scores(samples)) if (s.score > best.score) best = { score: s.score, label: s.keyword };
    probe.dispose();
    return best;
  }

  async release(): Promise<void> {
    this.wake.dispose();
  }
}
