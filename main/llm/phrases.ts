import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { LANGUAGES } from '../contract/languages.ts';
import { resourcesDir } from '../platform/paths.ts';
import { describeIssues } from '../platform/validate.ts';
import { LlmError, type LlmErrorCode } from './errors.ts';

/** What Kiwi says about its LLM, per language: resources/locales/<lang>/llm.json. */
export const LlmPhrases = z
  .object({
    unreachable: z.string().min(1),
    unauthorized: z.string().min(1),
    timeout: z.string().min(1),
    bad_response: z.string().min(1),
    /** After part of an answer was already spoken. */
    interrupted: z.string().min(1),
    /** Said in place of a code block. */
    code: z.string().min(1),
    /** llm.provider is none and nothing else handled the request. */
    not_configured: z.string().min(1),
    /** Home Assistant failed and there is no LLM to fall back to. */
    home_unreachable: z.string().min(1),
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

/** Loads and caches the phrase files; an unknown language falls back to English. */
export class LlmPhraseBook {
  readonly #cache = new Map<string, Promise<LlmPhrases>>();

  constructor(private readonly dir = path.join(resourcesDir, 'locales')) {}

  get(language: string): Promise<LlmPhrases> {
    const lang = (LANGUAGES as readonly string[]).includes(language) ? language : 'en';
    let phrases = this.#cache.get(lang);
    if (!phrases) {
      phrases = this.#load(lang);
      this.#cache.set(lang, phrases);
      phrases.catch(() => this.#cache.delete(lang)); // a failed read is retried next time; the caller sees the error
    }
    return phrases;
  }

  async #load(language: string): Promise<LlmPhrases> {
    const file = path.join(this.dir, language, 'llm.json');
    const parsed = LlmPhrases.safeParse(JSON.parse(await fs.readFile(file, 'utf8')));
    if (!parsed.success) throw new Error(`${file}: ${describeIssues(parsed.error)}`);
    return parsed.data;
  }
}
