import { KiwiError } from '../../../platform/errors.ts';

/** The special tokens a Whisper decoder prompt and mask need, found by name (ids differ by model). */
export interface WhisperSpecials {
  eot: number;
  sot: number;
  transcribe: number;
  noTimestamps: number;
  /** `<|nocaptions|>` (`<|nospeech|>` in newer vocabularies): its probability after SOT says "no speech". */
  noSpeech: number | undefined;
}

/**
 * A Whisper vocabulary (one token per line, GPT-2 byte-level BPE, as CTranslate2 writes
 * vocabulary.txt) with its special tokens looked up by name.
 *
 * English-only vocabularies list the language tokens too, but those models were never trained
 * with them and expect the prompt <|startoftranscript|><|notimestamps|>. OpenAI's own test for a
 * multilingual model is the vocabulary size (51865 or more; tiny.en has 51864), used here.
 */
export class WhisperVocabulary {
  readonly specials: WhisperSpecials;
  readonly multilingual: boolean;
  /** Language code → its token id (empty for English-only models). */
  readonly languages: ReadonlyMap<string, number>;

  constructor(readonly tokens: readonly string[]) {
    const find = (name: string) => {
      const id = tokens.indexOf(name);
      return id < 0 ? undefined : id;
    };
    const need = (name: string) => {
      const id = find(name);
      if (id === undefined) throw new KiwiError('model_invalid', `Whisper vocabulary has no ${name} token`, 500);
      return id;
    };
    this.specials = {
      eot: need('<|endoftext|>'),
      sot: need('<|startoftranscript|>'),
      transcribe: need('<|transcribe|>'),
      noTimestamps: need('<|notimestamps|>'),
      noSpeech: find('<|nospeech|>') ?? find('<|nocaptions|>'),
    };
    this.multilingual = tokens.length >= 51865;
    const languages = new Map<string, number>();
    if (this.multilingual) {
      // Language tokens sit between <|startoftranscript|> and <|translate|>.
      for (let id = this.specials.sot + 1; id < this.specials.transcribe; id += 1) {
        const match = /^<\|([a-z]{2,3}|haw)\|>$/.exec(tokens[id] ?? '');
        if (match) languages.set(match[1]!, id);
      }
    }
    this.languages = languages;
  }

  static parse(text: string): WhisperVocabulary {
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop(); // the file's final newline
    return new WhisperVocabulary(lines.map((line) => line.replace(/\r$/, '')));
  }

  get size(): number {
    return this.tokens.length;
  }

  /** The decoder prompt: SOT, then language and task for multilingual models, then no timestamps. */
  prompt(languageToken?: number): number[] {
    const { sot, transcribe, noTimestamps } = this.specials;
    if (!this.multilingual || languageToken === undefined) return [sot, noTimestamps];
    return [sot, languageToken, transcribe, noTimestamps];
  }

  /**
   * Text → token ids, as Whisper's own tokenizer (tiktoken) writes them: GPT-2's pre-split, then
   * byte-level BPE where the pair to merge next is the one whose joined token has the lowest id
   * (tiktoken's ranks are the token ids, so the vocabulary alone is the merge table).
   */
  encode(text: string): number[] {
    this.#ids ??= new Map(this.tokens.slice(0, this.specials.eot).map((token, id) => [token, id]));
    const ids = this.#ids;
    const out: number[] = [];
    for (const piece of text.match(PRE_SPLIT) ?? []) {
      const parts = Array.from(new TextEncoder().encode(piece), (b) => BYTE_TO_CHAR[b]!);
      for (;;) {
        let best = -1;
        let bestRank = Infinity;
        for (let i = 0; i + 1 < parts.length; i += 1) {
          const rank = ids.get(parts[i]! + parts[i + 1]!);
          if (rank !== undefined && rank < bestRank) [best, bestRank] = [i, rank];
        }
        if (best < 0) break;
        parts.splice(best, 2, parts[best]! + parts[best + 1]!);
      }
      for (const part of parts) {
        const id = ids.get(part);
        if (id === undefined) throw new KiwiError('model_invalid', `Whisper vocabulary cannot write ${JSON.stringify(piece)}`, 500);
        out.push(id);
      }
    }
    return out;
  }

  #ids: Map<string, number> | undefined;

  /** Text of text-token ids (special tokens are skipped). */
  decode(ids: readonly number[]): string {
    const pieces = ids.filter((id) => id < this.specials.eot).map((id) => this.tokens[id] ?? '');
    return decodeByteLevel(pieces.join(''));
  }
}

/** GPT-2 byte-level BPE writes every byte as a printable character; this maps them back. */
const CHAR_TO_BYTE: ReadonlyMap<string, number> = (() => {
  const map = new Map<string, number>();
  const printable = (b: number) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  let shifted = 0;
  for (let b = 0; b < 256; b += 1) {
    map.set(String.fromCodePoint(printable(b) ? b : 256 + shifted++), b);
  }
  return map;
})();

const BYTE_TO_CHAR: readonly string[] = (() => {
  const chars: string[] = [];
  for (const [ch, b] of CHAR_TO_BYTE) chars[b] = ch;
  return chars;
})();

/** GPT-2's pre-tokenizer: contractions, words, numbers, punctuation runs and spaces, each with its leading space. */
const PRE_SPLIT = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

export function decodeByteLevel(text: string): string {
  const bytes: number[] = [];
  for (const ch of text) bytes.push(CHAR_TO_BYTE.get(ch) ?? 0x3f); // '?' for a character outside the alphabet
  // TextDecoder replaces a sequence cut mid-character (a loop stopped early) instead of throwing.
  return new TextDecoder('utf-8').decode(Uint8Array.from(bytes)).trim();
}
