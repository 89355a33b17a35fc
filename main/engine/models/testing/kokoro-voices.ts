import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_CONFIG } from '../../../contract/config.ts';
import { readWav16k, resampleTo, writeWav } from '../../audio/wav.ts';
import type { Pcm } from '../../stages.ts';
import { SherpaTts } from '../../stages/tts/sherpa-tts.ts';
import { TTS_ENGINES } from '../../stages/tts/index.ts';
import { loadCatalog } from '../catalog.ts';
import { readManifest } from '../manifest.ts';
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

/**
 * Test speech in the five Kokoro voices, at 16 kHz (the rate the microphone path delivers).
 * Kokoro is deterministic, and slow on a loaded 2-core machine (seconds per sentence), so each
 * clip is synthesised once and kept beside the fixture (<models>/.speech/), keyed by the model's
 * and voices' sha256, the voice and the text: a changed fixture makes new clips.
 */
export class KokoroSpeech {
  #tts: Promise<SherpaTts> | null = null;
  #key: Promise<string> | null = null;

  constructor(private readonly modelsDir: string) {}

  /** Where the clip of `text` in `voice` is kept. */
  async file(text: string, voice: KokoroVoice, language = 'en'): Promise<string> {
    const id = crypto.createHash('sha256').update(`${await this.#fixtureKey()}|${voice}|${language}|${text}`).digest('hex').slice(0, 24);
    return path.join(this.modelsDir, '.speech', KOKORO_FIXTURE, `${voice}-${id}.wav`);
  }

  async say(text: string, voice: KokoroVoice, language = 'en'): Promise<Pcm> {
    const file = await this.file(text, voice, language);
    const cached = await readWav16k(file).catch(() => null); // not made yet (or unreadable): synthesise it again
    if (cached) return cached;
    this.#tts ??= loadKokoro(this.modelsDir);
    const audio = resampleTo(await (await this.#tts).synthesize(text, { voice, speed: 1, language }), 16000);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await writeWav(file, audio);
    return readWav16k(file); // the clip as every later run reads it (16-bit)
  }

  dispose(): void {
    void this.#tts?.then((tts) => tts.dispose());
    this.#tts = null;
  }

  #fixtureKey(): Promise<string> {
    this.#key ??= readManifest(path.join(this.modelsDir, KOKORO_FIXTURE)).then((read) => {
      if (!('manifest' in read)) throw new Error(`${KOKORO_FIXTURE} is not installed: ${read.problem}`);
      const { files } = read.manifest;
      return `${files['model.onnx']?.sha256}|${files['voices.bin']?.sha256}`;
    });
    return this.#key;
  }
}
