import type { ConversationTurn } from '../contract/api.ts';
import type { EventData } from '../contract/events.ts';
import type { EventBus } from '../engine/events/event-bus.ts';
import type { Store } from '../store/store.ts';

/** How many turns the history keeps (the oldest go first): months of everyday use, a few hundred KiB. */
export const HISTORY_KEEP = 2000;
/** LLM answers waiting for their TURN_FINISHED: a handful at most (one per running turn). */
const PENDING_LLM = 16;

type LlmFacts = NonNullable<ConversationTurn['llm']>;

/** Who is asking for the history: everything, or one speaker's turns (an empty list without a speaker). */
export type HistoryViewer = { all: true } | { all: false; speakerId: string | null };

/** Whether the viewer may read a turn's conversation; `owner` is its speaker (null: typed, announced or an unknown voice). */
export function seesTurn(viewer: HistoryViewer, owner: string | null): boolean {
  return viewer.all || (viewer.speakerId !== null && viewer.speakerId === owner);
}

/**
 * The conversation history: every finished turn Kiwi answered (spoken, typed or announced), with
 * its transcript, speaker, reply, command, timings and LLM facts, kept in the store across restarts.
 * Utterances Kiwi ignored (no wake word, noise) are never written down: they were not meant for it.
 */
export class TurnHistory {
  readonly #llm = new Map<string, LlmFacts>();
  readonly #unsubscribe: Array<() => void>;

  constructor(
    private readonly store: Pick<Store, 'turns' | 'speakers'>,
    bus: Pick<EventBus, 'on'>,
    private readonly keep = HISTORY_KEEP,
  ) {
    this.#unsubscribe = [
      bus.on('LLM_COMPLETE', (data) => this.#llmDone(data)),
      bus.on('TURN_FINISHED', (data, envelope) => this.#finished(data, envelope.timestamp)),
    ];
  }

  /** The newest `limit` turns the viewer may see (seesTurn, asked of the store as a query), oldest first. */
  newest(limit: number, viewer: HistoryViewer): ConversationTurn[] {
    if (viewer.all) return this.store.turns.newest(limit);
    return viewer.speakerId ? this.store.turns.newest(limit, viewer.speakerId) : [];
  }

  /**
   * A page of the history for the viewer: the newest `limit` turns older than the turn `before`
   * (the newest turns when null), oldest first, and whether older ones remain. Null when `before`
   * is no turn the viewer may see (never kept, pruned, deleted, or someone else's).
   */
  page(limit: number, before: string | null, viewer: HistoryViewer): { turns: ConversationTurn[]; hasMore: boolean } | null {
    if (viewer.all) return this.store.turns.page(limit, before);
    if (viewer.speakerId) return this.store.turns.page(limit, before, viewer.speakerId);
    return before === null ? { turns: [], hasMore: false } : null;
  }

  close(): void {
    for (const off of this.#unsubscribe) off();
  }

  #llmDone(data: EventData<'LLM_COMPLETE'>): void {
    if (!data.turn_id) return;
    this.#llm.set(data.turn_id, { model: data.model, soul: data.soul, first_token_ms: data.first_token_ms, ms: data.ms, status: data.status });
    if (this.#llm.size > PENDING_LLM) this.#llm.delete(this.#llm.keys().next().value!);
  }

  #finished(data: EventData<'TURN_FINISHED'>, at: string): void {
    const llm = this.#llm.get(data.turn_id) ?? null;
    this.#llm.delete(data.turn_id);
    if (data.ignored !== undefined) return;
    // A turn that failed before a word was heard or said (its recognizer threw) has nothing to keep.
    if (data.error && !data.transcript && data.reply === null) return;
    // A speaker in the store (enrolled or learned) owns their turn and takes it with them when deleted; an unknown voice owns none.
    const owner = data.speaker && this.store.speakers.get(data.speaker.id) ? data.speaker.id : null;
    // Deleted while this turn ran (the dashboard's delete mid-answer): their words go with them, not into everyone's history under their name.
    if (data.speaker && owner === null) return;
    const turn: ConversationTurn = {
      turn_id: data.turn_id,
      at,
      source: data.source,
      wake: data.wake,
      transcript: data.transcript,
      language: data.language,
      speaker: data.speaker,
      command: data.command,
      reply: data.reply,
      ...(data.interrupted !== undefined ? { interrupted: data.interrupted } : {}),
      timings_ms: data.timings_ms,
      llm,
    };
    this.store.turns.add(turn, owner, this.keep);
  }
}
