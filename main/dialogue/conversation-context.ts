import type { EventBus } from '../engine/events/event-bus.ts';

export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

/**
 * Where conversations that outlive a restart are kept (main/memory/conversations.ts: recognised
 * speakers' conversations in the store). Keys it does not `keep` stay in memory only.
 */
export interface ConversationPersistence {
  keeps(speakerKey: string): boolean;
  load(speakerKey: string, limit: number): ChatMessage[];
  append(speakerKey: string, message: ChatMessage, keep: number): void;
  /** One conversation, or (no key) every stored one. */
  clear(speakerKey?: string): void;
}

/**
 * The running conversation per speaker, bounded so a long day of chatting never grows the
 * prompt without limit. `reset` clears it (one speaker, or everyone). With a persistence,
 * recognised speakers' conversations are read from and written to it (so they survive a
 * restart); unknown voices' conversations stay in memory.
 */
export class ConversationContext {
  readonly #histories = new Map<string, ChatMessage[]>();

  constructor(
    private readonly bus: EventBus,
    private readonly maxMessages = 20,
    private readonly persistence?: ConversationPersistence,
  ) {}

  history(speakerKey: string): readonly ChatMessage[] {
    // Read through every time: SQLite answers in microseconds, and no cache can go stale when a speaker is deleted.
    if (this.persistence?.keeps(speakerKey)) return this.persistence.load(speakerKey, this.maxMessages);
    return this.#histories.get(speakerKey) ?? [];
  }

  append(speakerKey: string, message: ChatMessage): void {
    if (this.persistence?.keeps(speakerKey)) {
      this.persistence.append(speakerKey, message, this.maxMessages);
      return;
    }
    const history = this.#histories.get(speakerKey) ?? [];
    history.push(message);
    if (history.length > this.maxMessages) history.splice(0, history.length - this.maxMessages);
    this.#histories.set(speakerKey, history);
  }

  reset(speakerKey?: string): void {
    if (speakerKey) this.#histories.delete(speakerKey);
    else this.#histories.clear();
    this.persistence?.clear(speakerKey);
    this.bus.emit('CONTEXT_RESET', { speaker_id: speakerKey ?? null }, 'dialogue');
  }
}
