import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { LanguageCode } from '../contract/languages.ts';
import { localesDir } from '../dialogue/commands/locale.ts';
import { compilePhrase, type CompiledPhrase } from '../dialogue/commands/pattern.ts';
import { KiwiError } from '../platform/errors.ts';
import { describeIssues } from '../platform/validate.ts';

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
    phrases: z.object(Object.fromEntries(MEMORY_PHRASE_KEYS.map((k) => [k, phraseList])) as Record<MemoryPhraseKey, typeof phraseList>).strict(),
    replies: z.object(Object.fromEntries(MEMORY_REPLY_KEYS.map((k) => [k, z.string().min(1)])) as Record<MemoryReplyKey, z.ZodString>).strict(),
  })
  .strict();
export type MemoryFile = z.infer<typeof MemoryFile>;

export interface MemoryLocale {
  language: LanguageCode;
  file: MemoryFile;
  phrases: Record<MemoryPhraseKey, CompiledPhrase[]>;
}

export const memoryLocaleFile = (language: string, dir = localesDir) => path.join(dir, language, 'memory.json');

/** Read, validate and compile one language's memory.json; a broken file is a KiwiError naming file and problem. */
export function loadMemoryLocale(language: LanguageCode, dir = localesDir): MemoryLocale {
  const file = memoryLocaleFile(language, dir);
  const fail = (problem: string) => new KiwiError('invalid_locale', `${file}: ${problem}`, 500);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw fail((err as Error).message);
  }
  const parsed = MemoryFile.safeParse(raw);
  if (!parsed.success) throw fail(describeIssues(parsed.error));
  const phrases = {} as Record<MemoryPhraseKey, CompiledPhrase[]>;
  for (const key of MEMORY_PHRASE_KEYS) {
    phrases[key] = parsed.data.phrases[key].map((source) => {
      let compiled: CompiledPhrase;
      try {
        compiled = compilePhrase(source, language);
      } catch (err) {
        throw fail(`phrases.${key} '${source}': ${(err as Error).message}`);
      }
      if (compiled.slots.join() !== MEMORY_PHRASE_SLOTS[key].join()) {
        const wanted = MEMORY_PHRASE_SLOTS[key].map((s) => `{${s}}`).join(', ') || 'no slot';
        throw fail(`phrases.${key} '${source}': needs ${wanted}`);
      }
      return compiled;
    });
  }
  return { language, file: parsed.data, phrases };
}

/** A reply with its `{placeholders}` filled; a missing value is a bug, not a silent gap. */
export function memoryReply(locale: MemoryLocale, key: MemoryReplyKey, values: Record<string, string> = {}): string {
  return locale.file.replies[key].replace(/\{([a-z_]+)\}/g, (_all, name: string) => {
    const value = values[name];
    if (value === undefined) throw new KiwiError('reply_placeholder', `Memory reply '${key}' (${locale.language}) needs a value for {${name}}`, 500);
    return value;
  });
}
