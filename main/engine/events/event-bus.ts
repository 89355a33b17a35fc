import type { EventEnvelope, EventName } from '../../contract/events.ts';

export type EventListener = (envelope: EventEnvelope) => void;

/**
 * The one event stream of a Kiwi process. Delivery is synchronous and in emit order, so every
 * subscriber (the /api/events sockets, the desktop shell, tests) sees the same sequence.
 * A listener that throws is reported; the others still get the event.
 */
export class EventBus {
  readonly #listeners = new Set<EventListener>();

  constructor(private readonly onListenerError: (err: unknown, event: EventName) => void = defaultReport) {}

  emit(event: EventName, data: Record<string, unknown>, source: string): EventEnvelope {
    const envelope: EventEnvelope = { event, data, timestamp: new Date().toISOString(), source };
    for (const listener of this.#listeners) {
      try {
        listener(envelope);
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

  get listenerCount(): number {
    return this.#listeners.size;
  }
}

function defaultReport(err: unknown, event: EventName): void {
  console.error(`event listener failed on ${event}:`, err);
}
