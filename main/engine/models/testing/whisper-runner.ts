import fs from 'node:fs/promises';
import path from 'node:path';
import ort from 'onnxruntime-node';

const N_SAMPLES = 480_000; // Whisper always looks at 30 s of 16 kHz audio
const EOT = 50256;
const SOT = 50257;
const NO_TIMESTAMPS = 50362;
const MAX_TOKENS = 96;

/**
 * Greedy Whisper decoding on the ONNX graphs made by scripts/models-whisper-ct2-to-onnx.py
 * (encoder: audio → states; decoder: tokens + states → next-token logits). English-only model:
 * the prompt is <|startoftranscript|><|notimestamps|>.
 */
export class WhisperRunner {
  private constructor(
    private readonly encoder: ort.InferenceSession,
    private readonly decoder: ort.InferenceSession,
    private readonly vocabulary: string[],
    private readonly suppress: number[],
    private readonly suppressAtBegin: number[],
  ) {}

  static async load(dir: string): Promise<WhisperRunner> {
    const options: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 2 };
    const config = JSON.parse(await fs.readFile(path.join(dir, 'config.json'), 'utf8')) as {
      suppress_ids: number[];
      suppress_ids_begin: number[];
    };
    const vocabulary = (await fs.readFile(path.join(dir, 'vocabulary.txt'), 'utf8')).split('\n');
    return new WhisperRunner(
      await ort.InferenceSession.create(path.join(dir, 'encoder.onnx'), options),
      await ort.InferenceSession.create(path.join(dir, 'decoder.onnx'), options),
      vocabulary,
      config.suppress_ids,
      config.suppress_ids_begin,
    );
  }

  async transcribe(samples: Float32Array): Promise<string> {
    const audio = new Float32Array(N_SAMPLES);
    audio.set(samples.subarray(0, N_SAMPLES));
    const { states } = await this.encoder.run({ audio: new ort.Tensor('float32', audio, [1, N_SAMPLES]) });
    const tokens = [SOT, NO_TIMESTAMPS];
    const text: number[] = [];
    for (let step = 0; step < MAX_TOKENS; step += 1) {
      const input = new ort.Tensor('int64', BigInt64Array.from(tokens, BigInt), [1, tokens.length]);
      const out = await this.decoder.run({ tokens: input, states: states! });
      const logits = out.logits!.data as Float32Array;
      for (const id of this.suppress) logits[id] = -Infinity;
      if (step === 0) for (const id of this.suppressAtBegin) logits[id] = -Infinity;
      for (let id = SOT; id < logits.length; id += 1) logits[id] = -Infinity; // special and timestamp tokens
      let best = 0;
      for (let id = 1; id < logits.length; id += 1) if (logits[id]! > logits[best]!) best = id;
      if (best === EOT) break;
      tokens.push(best);
      text.push(best);
    }
    return decodeByteLevel(text.map((id) => this.vocabulary[id] ?? ''));
  }

  async release(): Promise<void> {
    await Promise.all([this.encoder.release(), this.decoder.release()]);
  }
}

/** GPT-2 byte-level BPE: each byte is written as a printable character; map them back. */
function decodeByteLevel(pieces: string[]): string {
  const printable: number[] = [];
  for (let b = 33; b <= 126; b += 1) printable.push(b);
  for (let b = 161; b <= 172; b += 1) printable.push(b);
  for (let b = 174; b <= 255; b += 1) printable.push(b);
  const charToByte = new Map<string, number>();
  let extra = 0;
  for (let b = 0; b < 256; b += 1) {
    if (printable.includes(b)) charToByte.set(String.fromCodePoint(b), b);
    else charToByte.set(String.fromCodePoint(256 + extra++), b);
  }
  const bytes = [...pieces.join('')].map((ch) => charToByte.get(ch) ?? 63);
  return Buffer.from(bytes).toString('utf8').trim();
}
