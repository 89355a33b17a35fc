import type { EventData, EventEnvelope, EventName, TypedEnvelope } from '../../contract/events.ts';

export type EventListener = (envelope: EventEnvelope) => void;

/**
 * The one event stream of a Kiwi process. Delivery is synchronous and in emit order, so every
 * subscriber (the /api/events sockets, the desktop shell, tests) sees the same sequence.
 * A listener that throws is reported; the others still get the event.
 * `emit` is typed by the event's schema (main/contract/events.ts): a wrong payload does not compile.
 */
export class EventBus {
  readonly #listeners = new Set<EventListener>();

  constructor(private readonly onListenerError: (err: unknown, event: EventName) => void = defaultReport) {}

  emit<K extends EventName>(event: K, data: EventData<K>, source: string): TypedEnvelope<K> {
    const envelope = { event, data, timestamp: new Date().toISOString(), source } as TypedEnvelope<K>;
    for (const listener of this.#listeners) {
      try {
        listener(envelope as EventEnvelope);
      } catch (err) {
        this.onListenerError(err, event);
      }
    }
    return envelope;
  }

  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Listen to one event with its typed data. */
  on<K extends EventName>(event: K, listener: (data: EventData<K>, envelope: TypedEnvelope<K>) => void): () => void {
    return this.subscribe((envelope) => {
      if (envelope.event === event) listener(envelope.data as EventData<K>, envelope as TypedEnvelope<K>);
    });
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }
}

function defaultReport(err: unknown, event: EventName): void {
  console.error(`event listener failed on ${event}:`, err);
}
