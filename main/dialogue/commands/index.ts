/** Kiwi's built-in voice commands: phrase matching from resources/locales/<lang>/commands.json and their execution. */
export { BuiltinCommands } from './builtin-commands.ts';
export { CommandMatcher, defaultMatcher, matchCommand, type CommandMatch, type CommandName, type MatchOptions, type SoulRef } from './matcher.ts';
export { LastVoiceSlot, LAST_VOICE_MAX_AGE_MS, type LastVoice, type LastVoiceMemory } from './last-voice.ts';
export { REQUIRED_ROLE, TYPED_SOURCE, refusalFor, roleOf } from './permissions.ts';
export { loadCommandLocale, localesDir, PHRASE_KEYS, REPLY_KEYS, type CommandLocale } from './locale.ts';
export type { CommandAnswer, CommandDeps, EnrollIntent, Refusal, Role } from './types.ts';
