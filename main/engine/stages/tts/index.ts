import type { Config } from '../../../contract/config.ts';
import type { CatalogModel } from '../../models/catalog-schema.ts';
import type { Tts } from '../../stages.ts';
import type { StageContext, StageFactory } from '../factory.ts';
import { createPiperTts } from './piper-tts.ts';
import { createSherpaTts } from './sherpa-tts.ts';
import { createSystemVoiceTts } from './system-voice.ts';

/** Tts adapters by the catalog's model `engine` name. */
export const TTS_ENGINES: Record<string, StageFactory<Tts>> = {
  'sherpa-tts-kokoro': createSherpaTts,
  'sherpa-tts-vits': createSherpaTts,
  'sherpa-tts-matcha': createSherpaTts,
  'sherpa-tts-kitten': createSherpaTts,
  // Piper voices (sherpa's VITS engine loads them too, but keeps an ever-fuller memory arena)
  'onnx-piper': createPiperTts,
};

/** The catalog engines behind each `tts_provider` (`system` needs no model). */
export const TTS_PROVIDER_ENGINES: Record<Exclude<Config['tts_provider'], 'system'>, CatalogModel['engine']> = {
  kokoro: 'sherpa-tts-kokoro',
  piper: 'onnx-piper',
  matcha: 'sherpa-tts-matcha',
  kitten: 'sherpa-tts-kitten',
};

/**
 * The operating system's own voice (espeak-ng, say, SAPI): Kiwi can always speak. It takes no
 * model; voice and language come with each call, so the context is not needed yet.
 */
export async function createSystemVoice(_ctx: StageContext): Promise<Tts> {
  return createSystemVoiceTts();
}
