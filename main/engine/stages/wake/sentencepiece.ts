import { createRequire } from 'node:module';
import { KiwiError, describeError } from '../../../platform/errors.ts';

/** Text → a SentencePiece model's pieces ("▁K", "I", "W", "I" for "KIWI"). */
export interface PieceEncoder {
  encode(text: string): string[];
}

/** The part of @agnai/sentencepiece-js (the SentencePiece C++ library built to WebAssembly) Kiwi uses. */
interface Processor {
  load(file: string): Promise<void>;
  encodePieces(text: string): string[];
}

const require = createRequire(import.meta.url);

/** Loads a sentencepiece `.model` file (a KWS model's bpe.model) with the real SentencePiece library. */
export async function loadSentencePiece(file: string): Promise<PieceEncoder> {
  const { SentencePieceProcessor } = require('@agnai/sentencepiece-js') as { SentencePieceProcessor: new () => Processor };
  const processor = new SentencePieceProcessor();
  try {
    await processor.load(file);
  } catch (err) {
    throw new KiwiError('model_invalid', `The SentencePiece model ${file} cannot be loaded: ${describeError(err)}`, 500);
  }
  return { encode: (text) => processor.encodePieces(text) };
}
