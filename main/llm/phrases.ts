import { z } from 'zod';
import { loadLocaleFileAsync, LocaleCache, localesDir } from '../i18n/locale-file.ts';
import { LlmError, type LlmErrorCode } from './errors.ts';

/** What Kiwi says about its LLM, per language: resources/locales/<lang>/llm.json. */
export const LlmPhrases = z
  .object({
    unreachable: z.string().min(1),
    unauthorized: z.string().min(1),
    timeout: z.string().min(1),
    bad_response: z.string().min(1),
    /** The model finished without a word (an empty answer): said instead of silence. */
    no_answer: z.string().min(1),
    /** After part of an answer was already spoken. */
    interrupted: z.string().min(1),
    /** Said in place of a code block. */
    code: z.string().min(1),
    /** llm.provider is none and nothing else handled the request. */
    not_configured: z.string().min(1),
    /** Home Assistant failed and there is no LLM to fall back to. */
    home_unreachable: z.string().min(1),
    /** Home Assistant refused Kiwi's access token (401/403) and there is no LLM to fall back to. */
    home_refused: z.string().min(1),
    /** Home Assistant did the command but said nothing (empty speech): said instead of silence. */
    home_done: z.string().min(1),
  })
  .strict();
export type LlmPhrases = z.infer<typeof LlmPhrases>;

const BY_CODE: Record<LlmErrorCode, keyof LlmPhrases> = {
  llm_unreachable: 'unreachable',
  llm_unauthorized: 'unauthorized',
  llm_timeout: 'timeout',
  llm_bad_response: 'bad_response',
};

/** The sentence to say for a failed answer; `spokeAlready` picks the "lost it halfway" phrase. */
export function phraseForError(phrases: LlmPhrases, err: unknown, spokeAlready: boolean): string {
  if (spokeAlready) return phrases.interrupted;
  return phrases[err instanceof LlmError ? BY_CODE[err.code] : 'bad_response'];
}

/** Loads and caches the phrase files; an unknown language falls back to English, a failed read is retried next time. */
export class LlmPhraseBook {
  readonly #cache = new LocaleCache((language, dir) => loadLocaleFileAsync('llm', language, LlmPhrases, { dir }));

  constructor(private readonly dir = localesDir) {}

  get(language: string): Promise<LlmPhrases> {
    return this.#cache.get(language, this.dir);
  }
}
