import type { z } from 'zod';
import type { SoulList, Status } from '../../../main/contract/api.ts';
import type { EventEnvelope } from '../../../main/contract/events.ts';

/**
 * What the dashboard needs from Kiwi. The browser implements it over HTTP + WebSocket; the
 * desktop window will implement it over the preload's IPC bridge. Nothing else in the renderer
 * knows which transport it has.
 */
export interface KiwiClient {
  getStatus(): Promise<Status>;
  listSouls(): Promise<z.infer<typeof SoulList>>;
  switchSoul(id: string): Promise<void>;
  /** Subscribe to the event stream; returns the unsubscribe function. */
  onEvent(listener: (event: EventEnvelope) => void, onConnection: (connected: boolean) => void): () => void;
}

export class KiwiApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
