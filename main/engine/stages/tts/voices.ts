import fsp from 'node:fs/promises';
import { KiwiError } from '../../../platform/errors.ts';
import type { VoicePick } from '../../stages.ts';
import { readOnnxMetadata } from './onnx-metadata.ts';

/**
 * Voice names of a multi-speaker model, in speaker-id order, and the rule that turns the
 * configured `tts_voice` into a speaker id.
 *
 * Where the names come from: sherpa's Kokoro (and Kitten) models list them in the ONNX metadata
 * (`speaker_names`); Piper voices in `<voice>.onnx.json` (`speaker_id_map`). A model without
 * either is addressed by number only.
 */
export async function readVoiceNames(modelFile: string): Promise<string[]> {
  const meta = await readOnnxMetadata(modelFile);
  if (meta.speaker_names) return meta.speaker_names.split(',').map((s) => s.trim());
  const piper = await readPiperSpeakers(`${modelFile}.json`);
  return piper ?? [];
}

async function readPiperSpeakers(file: string): Promise<string[] | null> {
  const text = await fsp.readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null; // not a Piper voice: no map to read
    throw err;
  });
  if (text === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new KiwiError('model_corrupt', `${file} is not valid JSON: ${(err as Error).message}`, 500);
  }
  const map = (parsed as { speaker_id_map?: unknown }).speaker_id_map;
  if (!map || typeof map !== 'object') return null;
  const names: string[] = [];
  for (const [name, id] of Object.entries(map as Record<string, unknown>)) {
    if (typeof id === 'number' && Number.isInteger(id) && id >= 0 && id < 10_000) names[id] = name;
  }
  return Array.from(names, (n, i) => n ?? String(i));
}

/** Kokoro voice names start with a language letter (af_heart: American English, female). */
const KOKORO_PREFIX: Record<string, string[]> = { en: ['a', 'b'], es: ['e'], fr: ['f'], hi: ['h'], it: ['i'], ja: ['j'], pt: ['p'], zh: ['z'] };

export interface SpeakerChoice {
  sid: number;
  /** Set when the voice asked for is not this model's: what was used instead and why. */
  note?: string;
}

/**
 * `voice` → speaker id: a name of this model (case-insensitive), or a number below
 * `numSpeakers`. An unknown or empty voice is not an error (config's `tts_voice` may name a voice
 * of another engine, e.g. a Kokoro voice while Piper speaks): it falls back to a voice of the
 * language when the names say which (Kokoro), else to speaker 0. A Kokoro voice of another
 * language gives way to one of this language where the model has one: after "speak Spanish",
 * af_heart (American English) read Spanish with an English accent.
 */
export function chooseSpeaker(voice: string, names: readonly string[], numSpeakers: number, language: string): SpeakerChoice {
  const wanted = voice.trim().toLowerCase();
  const prefixes = KOKORO_PREFIX[language] ?? [];
  const isKokoro = (name: string) => /^[a-z][fm]_/.test(name);
  const forLanguage = names.findIndex((n, i) => i < numSpeakers && isKokoro(n) && prefixes.includes(n[0]!));
  if (wanted) {
    const byName = names.findIndex((n) => n.toLowerCase() === wanted);
    if (byName >= 0 && byName < Math.max(numSpeakers, 1)) {
      const other = isKokoro(wanted) && !prefixes.includes(wanted[0]!) && forLanguage >= 0;
      return other ? { sid: forLanguage, note: `voice '${voice}' does not speak ${language}; using ${names[forLanguage]}` } : { sid: byName };
    }
    if (/^\d+$/.test(wanted) && Number(wanted) < numSpeakers) return { sid: Number(wanted) };
  }
  const sid = Math.max(forLanguage, 0);
  if (!wanted) return { sid };
  return { sid, note: `voice '${voice}' is not one of this model's ${numSpeakers} voices; using ${names[sid] ?? `speaker ${sid}`}` };
}

/** `voice` in a model of `numSpeakers` voices: null for a model with one voice (nothing to pick). */
export function pickVoice(voice: string, names: readonly string[], numSpeakers: number, language: string): VoicePick | null {
  if (numSpeakers <= 1) return null;
  const voices = Array.from({ length: numSpeakers }, (_, i) => names[i] ?? String(i));
  const { sid, note } = chooseSpeaker(voice, names, numSpeakers, language);
  return { voices, speaking: voices[sid]!, note: note ?? null };
}
