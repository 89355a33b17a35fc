/** Memory per person: remembered facts and persistent conversations of recognised speakers, and their voice commands. */
export { conversationKeys, speakerOfKey, storedConversations } from './conversations.ts';
export { loadMemoryLocale, memoryLocaleFile, memoryReply, MEMORY_PHRASE_KEYS, MEMORY_REPLY_KEYS, type MemoryLocale } from './locale.ts';
export { MemoryMatcher, type MemoryMatch } from './match.ts';
export { memoryPrompt } from './prompt.ts';
export { MAX_FACT_CHARS, MAX_FACTS, SpeakerMemory, type MemoryView, type RememberResult } from './speaker-memory.ts';
export { createMemoryCommands, type MemoryAnswer, type MemoryCommandsDeps } from './voice-commands.ts';
