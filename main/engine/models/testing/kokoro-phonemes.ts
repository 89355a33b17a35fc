import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { KOKORO_FIXTURE, KOKORO_VOICES, type KokoroVoice } from './kokoro-voices.ts';
import { resample } from './speech.ts';

const KOKORO_RATE = 24000;
const STYLE = 256;

/**
 * espeak-ng symbols Kokoro's vocabulary lacks, mapped to the nearest it has, or dropped: Russian
 * retroflex-marked "ɭ" is a plain l; "-" and '"' are espeak-ng's own boundary/stress marks.
 * Anything else unknown is an error, so no sound is ever dropped silently.
 */
const ESPEAK_TO_KOKORO: Record<string, string> = { ɭ: 'l', '-': '', '"': '' };
/** espeak-ng's tied affricates (`--tie=^`) as Kokoro's single affricate symbols. */
const TIES: Record<string, string> = { 't^s': 'ʦ', 'd^z': 'ʣ', 't^ʃ': 'ʧ', 'd^ʒ': 'ʤ', 't^ɕ': 'ʨ', 'd^ʑ': 'ʥ' };

/**
 * IPA for `text` from espeak-ng in `voice`, in Kokoro's spelling: clauses (espeak-ng writes one
 * per line) joined by commas, the sentence's final punctuation kept (it shapes the intonation).
 */
export function espeakPhonemes(text: string, voice: string): string {
  const lines = execFileSync('espeak-ng', ['-q', '--ipa', '--tie=^', '-v', voice, text], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  let phonemes = lines.join(', ');
  for (const [tied, single] of Object.entries(TIES)) phonemes = phonemes.replaceAll(tied, single);
  phonemes = [...phonemes.replaceAll('^', '')].map((c) => ESPEAK_TO_KOKORO[c] ?? c).join('');
  const end = text.trim().at(-1) ?? '.';
  return phonemes + ('.?!'.includes(end) ? end : '.');
}

/**
 * Kokoro-82M (the fixture's int8 ONNX and five voices) speaking IPA phonemes directly, at 16 kHz.
 * Test speech in languages Kiwi's sherpa Kokoro path does not give this model (its version-1
 * metadata names the espeak-ng voice `en-us`, and Kiwi sets no `lang` for de/ru/ja): German,
 * Russian and French from espeak-ng's IPA, Japanese from phonemes of Kokoro's own Japanese
 * frontend. Deterministic for a voice and phoneme string.
 */
export class KokoroPhonemes {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly vocab: Map<string, number>,
    private readonly styles: Float32Array,
  ) {}

  static async load(modelsDir: string): Promise<KokoroPhonemes> {
    const dir = path.join(modelsDir, KOKORO_FIXTURE);
    const vocab = new Map<string, number>();
    for (const line of (await fs.readFile(path.join(dir, 'tokens.txt'), 'utf8')).split('\n')) {
      const at = line.lastIndexOf(' '); // "<symbol> <id>"; the symbol may itself be a space
      if (at > 0) vocab.set(line.slice(0, at), Number(line.slice(at + 1)));
    }
    const bytes = await fs.readFile(path.join(dir, 'voices.bin'));
    const styles = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const session = await ort.InferenceSession.create(path.join(dir, 'model.onnx'), { intraOpNumThreads: 2, interOpNumThreads: 1 });
    return new KokoroPhonemes(session, vocab, styles);
  }

  /** The token ids of `phonemes`; throws on a symbol the model does not know. */
  tokens(phonemes: string): number[] {
    return [...phonemes].map((c) => {
      const id = this.vocab.get(c);
      if (id === undefined) throw new Error(`Kokoro has no token for '${c}' (U+${c.codePointAt(0)!.toString(16)}) in "${phonemes}"`);
      return id;
    });
  }

  async say(phonemes: string, voice: KokoroVoice, speed = 1): Promise<Float32Array> {
    const ids = this.tokens(phonemes);
    const perVoice = this.styles.length / KOKORO_VOICES.length;
    const rows = perVoice / STYLE;
    // Kokoro's style for an utterance is the voice's row for its length in phonemes.
    const row = Math.min(ids.length, rows) - 1;
    const start = KOKORO_VOICES.indexOf(voice) * perVoice + row * STYLE;
    const out = await this.session.run({
      tokens: new ort.Tensor('int64', BigInt64Array.from([0, ...ids, 0], (id) => BigInt(id)), [1, ids.length + 2]),
      style: new ort.Tensor('float32', this.styles.slice(start, start + STYLE), [1, STYLE]),
      speed: new ort.Tensor('float32', Float32Array.of(speed), [1]),
    });
    const audio = out[this.session.outputNames[0]!]!.data as Float32Array;
    return resample(audio, KOKORO_RATE, 16000);
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
