import fsp from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { KiwiError } from '../../platform/errors.ts';
import { appendOnnxMetadata } from './onnx-metadata.ts';

/** The part of a Piper voice's `<voice>.onnx.json` that sherpa-onnx needs. */
const PiperConfigSchema = z.object({
  audio: z.object({ sample_rate: z.number().int().positive() }),
  espeak: z.object({ voice: z.string().min(1) }),
  phoneme_type: z.string().optional(),
  num_speakers: z.number().int().positive(),
  language: z.object({ name_english: z.string().min(1) }),
  phoneme_id_map: z.record(z.string(), z.array(z.number().int().nonnegative()).min(1)),
});

/**
 * Make an upstream Piper voice loadable by sherpa-onnx's VITS engine: write the metadata
 * sherpa reads (model_type=vits, comment=piper, voice, sample rate...) into the ONNX file and
 * derive tokens.txt from the voice's phoneme map. Returns the relative paths it produced.
 */
export async function preparePiperVoice(dir: string): Promise<{ model: string; tokens: string }> {
  const names = await fsp.readdir(dir);
  const model = names.find((n) => n.endsWith('.onnx'));
  if (!model || !names.includes(`${model}.json`)) {
    throw new KiwiError('model_convert_failed', `${dir} has no Piper voice (<name>.onnx with <name>.onnx.json)`, 500);
  }
  const parsed = PiperConfigSchema.safeParse(JSON.parse(await fsp.readFile(path.join(dir, `${model}.json`), 'utf8')));
  if (!parsed.success) {
    throw new KiwiError('model_convert_failed', `${model}.json is not a Piper voice config: ${parsed.error.message}`, 500);
  }
  const config = parsed.data;
  if (config.phoneme_type && config.phoneme_type !== 'espeak') {
    throw new KiwiError('model_convert_failed', `${model} uses '${config.phoneme_type}' phonemes; only espeak voices are supported`, 500);
  }
  await appendOnnxMetadata(path.join(dir, model), {
    model_type: 'vits',
    comment: 'piper',
    language: config.language.name_english,
    voice: config.espeak.voice,
    has_espeak: '1',
    n_speakers: String(config.num_speakers),
    sample_rate: String(config.audio.sample_rate),
  });
  const tokens = Object.entries(config.phoneme_id_map).map(([symbol, ids]) => `${symbol} ${ids[0]}`);
  await fsp.writeFile(path.join(dir, 'tokens.txt'), `${tokens.join('\n')}\n`);
  return { model, tokens: 'tokens.txt' };
}
