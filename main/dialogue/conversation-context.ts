import type { EventBus } from '../engine/events/event-bus.ts';

export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

/**
 * The running conversation per speaker, bounded so a long day of chatting never grows the
 * prompt without limit. `reset` clears it (one speaker, or everyone).
 */
export class ConversationContext {
  readonly #histories = new Map<string, ChatMessage[]>();

  constructor(
    private readonly bus: EventBus,
    private readonly maxMessages = 20,
  ) {}

  history(speakerKey: string): readonly ChatMessage[] {
    return this.#histories.get(speakerKey) ?? [];
  }

  append(speakerKey: string, message: ChatMessage): void {
    const history = this.#histories.get(speakerKey) ?? [];
    history.push(message);
    if (history.length > this.maxMessages) history.splice(0, history.length - this.maxMessages);
    this.#histories.set(speakerKey, history);
  }

  reset(speakerKey?: string): void {
    if (speakerKey) this.#histories.delete(speakerKey);
    else this.#histories.clear();
    this.bus.emit('CONTEXT_RESET', { speaker_id: speakerKey ?? null }, 'dialogue');
  }
}
