import type { Tts } from '../../stages.ts';
import type { StageContext, StageFactory } from '../factory.ts';

/** Tts adapters by the catalog's model `engine` name. */
export const TTS_ENGINES: Record<string, StageFactory<Tts>> = {};

/** The operating system's own voice (espeak-ng, say, SAPI): Kiwi can always speak. */
export async function createSystemVoice(_ctx: StageContext): Promise<Tts> {
  throw new Error('the system voice is not built yet'); // replaced by the TTS work in progress
}
