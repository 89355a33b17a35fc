import { conversationFields, type EventData, type EventEnvelope, type EventName } from '../contract/events.ts';
import type { EventBus } from '../engine/events/event-bus.ts';
import { seesTurn, type HistoryViewer } from '../history/index.ts';
import { satisfies, type Grant } from './auth.ts';

/**
 * Whose conversation a caller may read, for GET /api/conversation and /api/events alike: admin
 * everyone's; a token with `speaker_id` (api.auth.tokens) that speaker's; every other token none.
 * With auth off every client has the admin grant.
 */
export function conversationViewer(grant: Grant | null): HistoryViewer {
  return grant && satisfies(grant.scopes, 'admin') ? { all: true } : { all: false, speakerId: grant?.speaker_id ?? null };
}

/** Events that name their turn's speaker; the others (LLM_TOKEN, TTS_STARTED, ...) carry only the turn id. */
const SPEAKER_OF: { [K in EventName]?: (data: EventData<K>) => string | null } = {
  SPEAKER_IDENTIFIED: (d) => d.speaker_id,
  SPEECH_RECOGNIZED: (d) => d.speaker_id,
  COMMAND_RECEIVED: (d) => d.speaker_id,
  LLM_COMPLETE: (d) => d.speaker_id,
  TURN_FINISHED: (d) => d.speaker?.id ?? null,
};

/** Turns whose speaker is remembered: the few running at once, with room for events that trail TURN_FINISHED. */
const KEEP_TURNS = 64;

/**
 * The event stream as one client may see it: the conversation fields (CONVERSATION_FIELDS in the
 * contract) of a turn the viewer may not read become null; everything else passes unchanged. A
 * turn's speaker is learned from its events, so content sent before the speaker is known
 * (SPEECH_PARTIAL) and content outside any turn (HA_COMMAND_SENT) are nobody's: only admin sees them.
 */
export class ConversationPrivacy {
  readonly #speakers = new Map<string, string | null>();
  readonly #off: () => void;

  /** Subscribe before the clients do: the bus delivers in subscription order, so a turn's speaker is known before its events are sent. */
  constructor(bus: Pick<EventBus, 'subscribe'>) {
    this.#off = bus.subscribe((envelope) => this.#note(envelope));
  }

  /** The envelope as `viewer` may see it (the same object when nothing is hidden). */
  view(envelope: EventEnvelope, viewer: HistoryViewer): EventEnvelope {
    const fields = conversationFields(envelope.event);
    if (fields.length === 0 || seesTurn(viewer, this.#owner(envelope))) return envelope;
    const data = { ...envelope.data };
    for (const field of fields) data[field] = null;
    return { ...envelope, data };
  }

  close(): void {
    this.#off();
  }

  #owner(envelope: EventEnvelope): string | null {
    const named = speakerNamed(envelope);
    if (named !== undefined) return named;
    const turnId = envelope.data.turn_id;
    return typeof turnId === 'string' ? (this.#speakers.get(turnId) ?? null) : null;
  }

  #note(envelope: EventEnvelope): void {
    const turnId = envelope.data.turn_id;
    const speaker = speakerNamed(envelope);
    if (typeof turnId !== 'string' || speaker === undefined) return;
    this.#speakers.delete(turnId); // re-inserted last: the oldest turn is dropped first
    this.#speakers.set(turnId, speaker);
    if (this.#speakers.size > KEEP_TURNS) this.#speakers.delete(this.#speakers.keys().next().value!);
  }
}

/** The speaker an event names for its turn (null: nobody known), or undefined when it names none. */
function speakerNamed(envelope: EventEnvelope): string | null | undefined {
  const of = SPEAKER_OF[envelope.event] as ((data: unknown) => string | null) | undefined;
  return of?.(envelope.data);
}
