import { runProcess } from '../../audio/processes.ts';

/** What `espeak-ng --voices` lists: language codes ("en-us") and voice file names ("gmw/en-US"). */
export interface EspeakVoices {
  languages: Set<string>;
  files: Set<string>;
  names: Set<string>;
}

/** Kiwi language → espeak-ng voice where the codes differ (Chinese is "cmn"; pt is Brazilian as in Kokoro). */
const ESPEAK_LANGUAGE: Record<string, string> = { en: 'en-us', zh: 'cmn', pt: 'pt-br', fr: 'fr-fr' };

export async function listEspeakVoices(bin: string, env?: NodeJS.ProcessEnv): Promise<EspeakVoices> {
  return parseEspeakVoices((await runProcess(bin, ['--voices'], { env })).toString('utf8'));
}

/** Columns: Pty, Language, Age/Gender, VoiceName, File, Other Languages. */
export function parseEspeakVoices(out: string): EspeakVoices {
  const voices: EspeakVoices = { languages: new Set(), files: new Set(), names: new Set() };
  for (const line of out.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 5 || !/^\d+$/.test(cols[0]!)) continue;
    voices.languages.add(cols[1]!.toLowerCase());
    voices.names.add(cols[3]!.toLowerCase());
    voices.files.add(cols[4]!.toLowerCase());
  }
  return voices;
}

/**
 * The `-v` argument: config's voice when espeak-ng has it (a language code, voice name or file,
 * optionally with a "+variant"), else the voice for the language, else English. A voice of
 * another engine (Kokoro's af_heart) is thus ignored rather than an error.
 */
export function espeakVoice(voices: EspeakVoices, voice: string, language: string): string {
  const wanted = voice.trim().toLowerCase();
  const base = wanted.split('+')[0] ?? '';
  if (base && /^[a-z0-9/_+-]+$/.test(wanted) && (voices.languages.has(base) || voices.names.has(base) || voices.files.has(base))) return wanted;
  const forLanguage = ESPEAK_LANGUAGE[language] ?? language;
  if (voices.languages.has(forLanguage)) return forLanguage;
  if (voices.languages.has(language)) return language;
  return voices.languages.has('en-us') ? 'en-us' : 'en';
}
