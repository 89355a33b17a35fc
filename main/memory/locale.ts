import { z } from 'zod';
import type { LanguageCode } from '../contract/languages.ts';
import { compilePhrase, type CompiledPhrase } from '../dialogue/commands/pattern.ts';
import { everyKey, loadLocaleFile, localeFilePath, localesDir } from '../i18n/locale-file.ts';
import { compileLists, slotProblem } from '../i18n/phrase-lists.ts';
import { fillReply } from '../i18n/replies.ts';

/**
 * The memory voice commands of one language, from resources/locales/<lang>/memory.json. Phrases
 * use the built-in commands' syntax (main/dialogue/commands/pattern.ts); `remember` captures the
 * fact with the slot {fact}.
 */
export const MEMORY_PHRASE_KEYS = ['forget_all', 'forget_last', 'recall', 'remember'] as const;
export type MemoryPhraseKey = (typeof MEMORY_PHRASE_KEYS)[number];

/** Slots each list must use; no other slot is allowed. */
export const MEMORY_PHRASE_SLOTS: Record<MemoryPhraseKey, string[]> = { forget_all: [], forget_last: [], recall: [], remember: ['fact'] };

export const MEMORY_REPLY_KEYS = [
  'remembered',
  'already_known',
  'full',
  'too_long',
  'recall',
  'recall_none',
  'forgot_last',
  'forgot_none',
  'forgot_all',
  'voice_needed',
] as const;
export type MemoryReplyKey = (typeof MEMORY_REPLY_KEYS)[number];

const phraseList = z.array(z.string().min(1).max(300)).min(1);

const MemoryFile = z
  .object({
    phrases: everyKey(MEMORY_PHRASE_KEYS, phraseList),
    /**
     * Utterances a `remember` phrase would take that ask about a shared memory instead ("remember
     * that time we went to Rome"): conversation, not a fact to keep. Empty in a language whose
     * "remember that …" cannot be read that way.
     */
    reminiscing: z.array(z.string().min(1).max(300)),
    replies: everyKey(MEMORY_REPLY_KEYS, z.string().min(1)),
  })
  .strict();
export type MemoryFile = z.infer<typeof MemoryFile>;

export interface MemoryLocale {
  language: LanguageCode;
  file: MemoryFile;
  phrases: Record<MemoryPhraseKey, CompiledPhrase[]>;
  reminiscing: CompiledPhrase[];
}

export const memoryLocaleFile = (language: string, dir = localesDir) => localeFilePath('memory', language, dir);

/** Read, validate and compile one language's memory.json; a broken file is a KiwiError naming file and problem. */
export function loadMemoryLocale(language: LanguageCode, dir = localesDir): MemoryLocale {
  const file = loadLocaleFile('memory', language, MemoryFile, { dir });
  const phrases = compileLists(memoryLocaleFile(language, dir), 'phrases', file.phrases, MEMORY_PHRASE_KEYS, (source, key) => {
    const compiled = compilePhrase(source, language);
    // Exactly these slots, in this order: {fact} once in `remember`, none elsewhere.
    if (compiled.slots.join() !== MEMORY_PHRASE_SLOTS[key].join()) {
      throw new Error(`needs ${MEMORY_PHRASE_SLOTS[key].map((s) => `{${s}}`).join(', ') || 'no slot'}`);
    }
    return compiled;
  });
  const { reminiscing } = compileLists(memoryLocaleFile(language, dir), 'memory', { reminiscing: file.reminiscing }, ['reminiscing'], (source) => {
    const compiled = compilePhrase(source, language);
    const problem = slotProblem(compiled.slots, { required: [], optional: ['rest'] });
    if (problem) throw new Error(problem);
    return compiled;
  });
  return { language, file, phrases, reminiscing };
}

/** A reply with its `{placeholders}` filled; a missing value is a bug, not a silent gap. */
export function memoryReply(locale: MemoryLocale, key: MemoryReplyKey, values: Record<string, string> = {}): string {
  return fillReply(locale.file.replies[key], values, `Memory reply '${key}' (${locale.language})`);
}
