import { SpeakerId } from '../contract/api.ts';
import type { ConversationPersistence } from '../dialogue/conversation-context.ts';
import { contextKey } from '../dialogue/llm-turn.ts';
import type { IdentifiedSpeaker } from '../engine/listening/turn.ts';
import type { Store } from '../store/store.ts';

/** The conversations a speaker has, as the LLM turn keys them: the everyday one and the 18+ souls' separate one. */
export function conversationKeys(speakerId: string): [everyday: string, nsfw: string] {
  const request = { speaker: { id: speakerId } as IdentifiedSpeaker };
  return [contextKey(request, { nsfw: false }), contextKey(request, { nsfw: true })];
}

/** The speaker a conversation key belongs to (`spk_001`, `spk_001:nsfw`), or null (`guest`). */
export function speakerOfKey(key: string): string | null {
  const id = key.split(':')[0]!;
  return SpeakerId.safeParse(id).success ? id : null;
}

/**
 * ConversationContext's persistence: the conversations of enrolled speakers live in the store,
 * bounded to the context's size, and survive a restart; they are deleted with the speaker.
 * Unknown voices (`guest`) share one conversation, and typed turns (`typed`) have another; those stay in memory and are gone on restart.
 */
export function storedConversations(store: Pick<Store, 'speakers' | 'conversations'>): ConversationPersistence {
  const speakerOf = (key: string) => {
    const id = speakerOfKey(key);
    return id && store.speakers.get(id) ? id : null;
  };
  return {
    keeps: (key) => speakerOf(key) !== null,
    load: (key, limit) => store.conversations.messages(key, limit),
    append(key, message, keep) {
      const id = speakerOf(key);
      // A speaker deleted between keeps() and here (a dashboard delete mid-answer): their conversation is gone, and stays gone.
      if (id) store.conversations.append(key, id, { role: message.role, content: message.content }, keep);
    },
    clear(key) {
      store.conversations.clear(key);
    },
  };
}
