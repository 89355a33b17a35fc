import { z } from 'zod';

/** The 15 languages Kiwi speaks, in the order the API lists them. */
export const LANGUAGES = ['en', 'ru', 'es', 'pt', 'fr', 'it', 'de', 'tr', 'pl', 'zh', 'ja', 'ko', 'hi', 'ar', 'id'] as const;

export const LanguageCode = z.enum(LANGUAGES);
export type LanguageCode = z.infer<typeof LanguageCode>;
