import { createRequire } from 'node:module';
import { KiwiError } from '../../../platform/errors.ts';

/**
 * Text → Piper phoneme ids, the way Piper (and sherpa-onnx's Piper front end) builds them: espeak-ng
 * IPA per sentence from `piper-phonemize` (Piper's own phonemizer, compiled to WebAssembly, with its
 * espeak-ng data), then `^`, each phoneme followed by the pad `_`, and `$`.
 */
interface PiperPhonemize {
  /** Sentences of Unicode code points; null when espeak-ng has no such voice. */
  phonemize(text: string, voice: string): number[][] | null;
}

const require = createRequire(import.meta.url);
let loaded: PiperPhonemize | undefined;

/** Loaded on first use: the WebAssembly module and its data cost ~20 MB only where Piper speaks. */
function espeak(): PiperPhonemize {
  loaded ??= require('piper-phonemize') as PiperPhonemize;
  return loaded;
}

const BOS = '^';
const EOS = '$';
const PAD = '_';

/** A voice's phoneme table: tokens.txt lines `<symbol> <id>` (the symbol may be a space). */
export function parsePiperTokens(text: string, file: string): Map<string, number> {
  const tokens = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const at = line.lastIndexOf(' ');
    const id = Number(line.slice(at + 1));
    if (at < 1 || !Number.isInteger(id) || id < 0) throw new KiwiError('model_corrupt', `${file}: bad token line ${JSON.stringify(line)}`, 500);
    tokens.set(line.slice(0, at), id);
  }
  for (const symbol of [BOS, EOS, PAD]) {
    if (!tokens.has(symbol)) throw new KiwiError('model_corrupt', `${file} has no '${symbol}' token: not a Piper phoneme table`, 500);
  }
  return tokens;
}

/**
 * One id sequence per sentence espeak-ng finds in `text`. Phonemes the voice was not trained on are
 * left out, as Piper does. Runs synchronously: a sentence takes well under a millisecond once the
 * language's dictionary is loaded (the first call of a language: up to ~40 ms).
 */
export function piperPhonemeIds(text: string, espeakVoice: string, tokens: ReadonlyMap<string, number>): number[][] {
  const sentences = espeak().phonemize(text, espeakVoice);
  if (!sentences) throw new KiwiError('tts_language_unsupported', `espeak-ng has no voice '${espeakVoice}'`, 500);
  const pad = tokens.get(PAD)!;
  return sentences
    .map((codes) => {
      const ids = [tokens.get(BOS)!, pad];
      for (const code of codes) {
        const id = tokens.get(String.fromCodePoint(code));
        if (id !== undefined) ids.push(id, pad);
      }
      ids.push(tokens.get(EOS)!);
      return ids;
    })
    .filter((ids) => ids.length > 3); // a sentence of nothing the voice can say
}
