import { z } from 'zod';
import { LANGUAGES } from '../../../contract/languages.ts';
import { loadLocaleFileAsync, localesDir } from '../../../i18n/locale-file.ts';
import { normalize, type PhantomList } from './hallucination-filter.ts';

export { localesDir };

/**
 * resources/locales/<lang>/stt.json: what recognizers are known to write on silence or noise in
 * that language (mostly subtitle credits and video sign-offs Whisper learned from its training
 * data). `phantom_phrases` are whole sentences; `phantom_markers` are parts that never occur in
 * a spoken command (credit lines with a name after them, "amara.org").
 */
export const SttLocaleSchema = z
  .object({
    phantom_phrases: z.array(z.string().trim().min(1).max(200)).min(1),
    phantom_markers: z.array(z.string().trim().min(1).max(100)),
  })
  .strict();

export type PhantomLists = ReadonlyMap<string, PhantomList>;

/** Every language's list, normalized once. A missing or malformed file is an install error. */
export async function loadPhantomLists(dir = localesDir, languages: readonly string[] = LANGUAGES): Promise<PhantomLists> {
  const lists = new Map<string, PhantomList>();
  for (const language of languages) {
    const parsed = await loadLocaleFileAsync('stt', language, SttLocaleSchema, { dir, codes: { unreadable: 'locale_missing', invalid: 'locale_invalid' } });
    lists.set(language, {
      phrases: parsed.phantom_phrases.map(normalize).filter(Boolean),
      markers: parsed.phantom_markers.map(normalize).filter(Boolean),
    });
  }
  return lists;
}

/**
 * The lists that apply to a transcript: its language's, the asked language's, and English's —
 * on noise Whisper often falls back to English sign-offs whatever language it was told.
 */
export function listsFor(lists: PhantomLists, ...languages: string[]): PhantomList[] {
  const codes = new Set([...languages, 'en']);
  return [...codes].map((code) => lists.get(code)).filter((l): l is PhantomList => l !== undefined);
}

let shared: Promise<PhantomLists> | undefined;

/** The shipped lists, read once per process. */
export function sharedPhantomLists(): Promise<PhantomLists> {
  shared ??= loadPhantomLists().catch((err: unknown) => {
    shared = undefined; // a later engine build tries again (e.g. after the files are restored)
    throw err;
  });
  return shared;
}
