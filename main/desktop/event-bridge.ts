import type { EventEnvelope } from '../contract/events.ts';

export interface BusLike {
  subscribe(listener: (envelope: EventEnvelope) => void): () => void;
}

/**
 * The event stream for desktop windows: like /api/events, a subscriber first gets CONNECTED with
 * the engine's state, then every bus event in order. One subscription per window; a window that
 * subscribes again (a reload) replaces its old one, and a closed window is dropped.
 */
export class EventBridge {
  readonly #subscriptions = new Map<number, () => void>();

  constructor(
    private readonly bus: BusLike,
    private readonly engineState: () => string,
  ) {}

  subscribe(contentsId: number, send: (envelope: EventEnvelope) => void): void {
    this.unsubscribe(contentsId);
    send({ event: 'CONNECTED', data: { state: this.engineState() }, timestamp: new Date().toISOString(), source: 'desktop' });
    this.#subscriptions.set(contentsId, this.bus.subscribe(send));
  }

  unsubscribe(contentsId: number): void {
    this.#subscriptions.get(contentsId)?.();
    this.#subscriptions.delete(contentsId);
  }

  get count(): number {
    return this.#subscriptions.size;
  }
}
