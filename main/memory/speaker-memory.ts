import type { EventBus } from '../engine/events/event-bus.ts';
import { normalizeText } from '../dialogue/commands/normalize.ts';
import { notFound } from '../platform/errors.ts';
import type { FactRecord, Store, StoredMessage } from '../store/store.ts';
import { conversationKeys } from './conversations.ts';

/** "A small set": enough for the things that matter about a person, few enough to keep prompts short. */
export const MAX_FACTS = 30;
/** A fact is a sentence or two; anything longer is not something said to be remembered. */
export const MAX_FACT_CHARS = 300;

export type RememberResult =
  | { status: 'added'; fact: FactRecord }
  | { status: 'known' }
  | { status: 'full'; max: number }
  | { status: 'too_long'; max: number };

export interface MemoryView {
  speaker_id: string;
  facts: Array<{ id: string; text: string; created_at: string }>;
  max_facts: number;
  conversation: StoredMessage[];
  nsfw_conversation: StoredMessage[];
}

/**
 * What Kiwi remembers about each recognised speaker: their facts (plain text, in their words,
 * bounded and de-duplicated) and their running conversations (kept by ConversationContext
 * through the store). Everything is keyed by speaker id and only ever read for that id; the
 * store deletes it with the speaker. Events say what changed, never the facts themselves, so a
 * read-only event listener learns nothing private.
 */
export class SpeakerMemory {
  constructor(
    private readonly store: Pick<Store, 'speakers' | 'memory' | 'conversations' | 'turns'>,
    private readonly bus: Pick<EventBus, 'emit'>,
    private readonly options: { maxFacts?: number; maxMessages?: number } = {},
  ) {}

  get maxFacts(): number {
    return this.options.maxFacts ?? MAX_FACTS;
  }

  /** Whether the speaker still has a profile (their memory goes with it: nothing can be stored for a deleted one). */
  knows(speakerId: string): boolean {
    return this.store.speakers.get(speakerId) !== null;
  }

  facts(speakerId: string): FactRecord[] {
    return this.store.memory.facts(speakerId);
  }

  /** Store a fact for the speaker, unless it is already known (same words, ignoring case and punctuation), too long, or memory is full. */
  remember(speakerId: string, text: string, language: string): RememberResult {
    const clean = text.trim().replace(/\s+/gu, ' ');
    if ([...clean].length > MAX_FACT_CHARS) return { status: 'too_long', max: MAX_FACT_CHARS };
    const key = normalizeText(clean, language);
    const facts = this.store.memory.facts(speakerId);
    if (facts.some((f) => normalizeText(f.text, language) === key)) return { status: 'known' };
    if (facts.length >= this.maxFacts) return { status: 'full', max: this.maxFacts };
    const fact = this.store.memory.addFact(speakerId, clean, key);
    if (!fact) return { status: 'known' }; // same normalised words stored under another language's rules
    this.bus.emit('MEMORY_FACT_ADDED', { speaker_id: speakerId, fact_id: fact.id, facts: facts.length + 1 }, 'memory');
    return { status: 'added', fact };
  }

  /** "Forget that": the speaker's most recent fact, or null when there is none. */
  forgetLast(speakerId: string): FactRecord | null {
    const last = this.store.memory.facts(speakerId).at(-1);
    if (!last) return null;
    this.forget(speakerId, last.id);
    return last;
  }

  /** Delete one fact; false when the speaker has no such fact. */
  forget(speakerId: string, factId: string): boolean {
    if (!this.store.memory.deleteFact(speakerId, factId)) return false;
    this.bus.emit('MEMORY_FACT_DELETED', { speaker_id: speakerId, fact_id: factId, facts: this.store.memory.facts(speakerId).length }, 'memory');
    return true;
  }

  /** "Forget everything about me": every fact; the running conversation is the reset command's job. */
  forgetFacts(speakerId: string): number {
    const deleted = this.store.memory.deleteFacts(speakerId);
    if (deleted > 0) this.bus.emit('MEMORY_CLEARED', { speaker_id: speakerId, facts: deleted, messages: 0 }, 'memory');
    return deleted;
  }

  /** Everything about the speaker: facts and conversations (the owner's "delete all" in the API). */
  clear(speakerId: string): { speaker_id: string; deleted_facts: number; deleted_messages: number; deleted_turns: number } {
    this.#require(speakerId);
    const facts = this.store.memory.deleteFacts(speakerId);
    const messages = conversationKeys(speakerId).reduce((n, key) => n + this.store.conversations.clear(key), 0);
    // Their conversation history (GET /api/conversation) is something Kiwi remembers about them too.
    const turns = this.store.turns.deleteSpeaker(speakerId);
    this.bus.emit('MEMORY_CLEARED', { speaker_id: speakerId, facts, messages }, 'memory');
    return { speaker_id: speakerId, deleted_facts: facts, deleted_messages: messages, deleted_turns: turns };
  }

  /** The API's view of one speaker's memory; 404 for an unknown speaker. */
  view(speakerId: string): MemoryView {
    this.#require(speakerId);
    const [everyday, nsfw] = conversationKeys(speakerId);
    const limit = this.options.maxMessages ?? 1000;
    return {
      speaker_id: speakerId,
      facts: this.store.memory.facts(speakerId).map(({ id, text, created_at }) => ({ id, text, created_at })),
      max_facts: this.maxFacts,
      conversation: this.store.conversations.messages(everyday!, limit),
      nsfw_conversation: this.store.conversations.messages(nsfw!, limit),
    };
  }

  /** Delete one fact through the API: 404 for an unknown speaker or fact. */
  deleteFact(speakerId: string, factId: string): void {
    this.#require(speakerId);
    if (!this.forget(speakerId, factId)) throw notFound('memory fact', factId);
  }

  #require(speakerId: string): void {
    if (!this.knows(speakerId)) throw notFound('speaker', speakerId);
  }
}
