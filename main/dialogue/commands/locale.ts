import { z } from 'zod';
import { LANGUAGES, type LanguageCode } from '../../contract/languages.ts';
import { everyKey, loadLocaleFile, localeFilePath, localesDir } from '../../i18n/locale-file.ts';
import { compileLists, slotProblem } from '../../i18n/phrase-lists.ts';
import { compilePhrase, type CompiledPhrase } from './pattern.ts';

export { localesDir };
export { placeholders } from '../../i18n/replies.ts';

/**
 * The phrase lists in each commands.json, in the order the matcher tries them: commands with
 * closed slots (a language name) before the open soul slot, so "switch to German" is a language.
 */
export const PHRASE_KEYS = [
  'stop',
  'reset_context',
  'time',
  'date',
  'who_is_speaking',
  'list_voices',
  'list_souls',
  'enroll_owner',
  'enroll_friend',
  'enroll_guest',
  'block_voice',
  'unblock_voice',
  'forget_voice',
  'default_soul',
  'switch_language',
  'switch_soul',
] as const;
export type PhraseKey = (typeof PHRASE_KEYS)[number];

/** Slots each phrase list must (required) or may (optional) use; any other slot is an error in the file. */
export const PHRASE_SLOTS: Record<PhraseKey, { required: string[]; optional: string[] }> = {
  stop: { required: [], optional: [] },
  reset_context: { required: [], optional: [] },
  time: { required: [], optional: [] },
  date: { required: [], optional: [] },
  who_is_speaking: { required: [], optional: [] },
  list_voices: { required: [], optional: [] },
  list_souls: { required: [], optional: [] },
  enroll_owner: { required: [], optional: ['name'] },
  enroll_friend: { required: ['name'], optional: [] },
  enroll_guest: { required: ['name'], optional: [] },
  block_voice: { required: [], optional: [] },
  unblock_voice: { required: [], optional: [] },
  forget_voice: { required: [], optional: [] },
  default_soul: { required: [], optional: [] },
  switch_language: { required: ['language'], optional: [] },
  switch_soul: { required: ['soul'], optional: [] },
};

/** Spoken answers; `{placeholders}` are filled by the executor. */
export const REPLY_KEYS = [
  'reset_done',
  'time',
  'date',
  'speaker_known',
  'speaker_unknown',
  'voices_list',
  'voices_none',
  'souls_list',
  'enroll_owner_listen',
  'enroll_self_listen',
  'enroll_friend_listen',
  'enroll_done',
  'enroll_retry',
  'enroll_owner_exists',
  'enroll_no_owner',
  'voice_needed',
  'soul_switched',
  'soul_already',
  'soul_nsfw_disabled',
  'soul_nsfw_owner_only',
  'language_switched',
  'language_already',
  'language_locked',
  'owner_only',
  'friends_only',
  'voice_blocked',
  'voice_already_blocked',
  'voice_unblocked',
  'voice_not_blocked',
  'voice_forgotten',
  'voice_is_owner',
  'no_recent_voice',
  'blocked_voice_name',
  'owner_default_name',
  /** Said once when Kiwi starts, if voice.greeting is on and its text is empty. */
  'greeting',
] as const;
export type ReplyKey = (typeof REPLY_KEYS)[number];

/** The built-in souls (resources/souls) whose names each language can say its own way. */
export const BUILTIN_SOULS = ['default', 'comedian', 'storyteller', 'hype-person', 'mindful-companion', 'siren'] as const;

const phraseList = z.array(z.string().min(1).max(300)).min(1);
const aliasList = z.array(z.string().min(1).max(60)).min(1);

const CommandsFile = z
  .object({
    /** BCP 47 tag for Intl date, time and list formatting. */
    intl_locale: z.string().min(2),
    /** How the time is said: "1:05 PM" (h12) or "13:05" (h23), whichever the language's speakers and TTS voices read best. */
    hour_cycle: z.enum(['h12', 'h23']),
    /** Words people add around a command ("please", "Kiwi", "can you"); trimmed from both ends. */
    fillers: z.array(z.string().min(1)),
    phrases: everyKey(PHRASE_KEYS, phraseList),
    /** How this language names each of the 15 languages (every form a phrase may need). */
    languages: everyKey(LANGUAGES, aliasList),
    souls: everyKey(BUILTIN_SOULS, z.object({ name: z.string().min(1), aliases: aliasList }).strict()),
    replies: everyKey(REPLY_KEYS, z.string().min(1)),
  })
  .strict();
export type CommandsFile = z.infer<typeof CommandsFile>;

export interface CommandLocale {
  language: LanguageCode;
  file: CommandsFile;
  phrases: Record<PhraseKey, CompiledPhrase[]>;
}

export const localeFile = (language: string, dir = localesDir) => localeFilePath('commands', language, dir);

/** Read, validate and compile one language's commands.json; a broken file is a KiwiError naming file and problem. */
export function loadCommandLocale(language: LanguageCode, dir = localesDir): CommandLocale {
  const file = loadLocaleFile('commands', language, CommandsFile, { dir });
  const phrases = compileLists(localeFile(language, dir), 'phrases', file.phrases, PHRASE_KEYS, (source, key) => {
    const compiled = compilePhrase(source, language);
    const problem = slotProblem(compiled.slots, PHRASE_SLOTS[key]);
    if (problem) throw new Error(problem);
    return compiled;
  });
  return { language, file, phrases };
}
