import { DEFAULT_CONFIG } from '../../../contract/config.ts';
import { resampleTo } from '../../audio/wav.ts';
import type { Pcm } from '../../stages.ts';
import { SherpaTts } from '../../stages/tts/sherpa-tts.ts';
import { TTS_ENGINES } from '../../stages/tts/index.ts';
import { loadCatalog } from '../catalog.ts';
import { resolveModel } from '../resolve.ts';

/** The Kokoro-82M fixture (scripts/model-fixtures.json): five neural voices, speaking through espeak-ng phonemes. */
export const KOKORO_FIXTURE = 'tts-substitute-kokoro-v1_0-int8';

/** Its voices in speaker-id order: four female and one male voice, five distinct people for the speaker tests. */
export const KOKORO_VOICES = ['jf_alpha', 'jf_gongitsune', 'jf_nezumi', 'jf_tebukuro', 'jm_kumo'] as const;
export type KokoroVoice = (typeof KOKORO_VOICES)[number];

/** The Kokoro fixture loaded through Kiwi's own sherpa TTS adapter, as the engine loads a catalog Kokoro model. */
export async function loadKokoro(modelsDir: string): Promise<SherpaTts> {
  const model = await resolveModel('tts', KOKORO_FIXTURE, 'en', { modelsDir, catalog: await loadCatalog(), engines: ['sherpa-tts-kokoro'] });
  const tts = await TTS_ENGINES[model.engine]!(model, { config: DEFAULT_CONFIG, modelsDir });
  if (!(tts instanceof SherpaTts)) throw new Error(`${KOKORO_FIXTURE} did not load through the sherpa adapter`);
  return tts;
}

/** `text` in one of the Kokoro voices, at 16 kHz (the rate the microphone path delivers). */
export async function kokoroSays(tts: SherpaTts, text: string, voice: KokoroVoice, language = 'en'): Promise<Pcm> {
  return resampleTo(await tts.synthesize(text, { voice, speed: 1, language }), 16000);
}
