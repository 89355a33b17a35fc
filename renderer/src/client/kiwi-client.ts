import type { BodyOf, ParamsOf, QueryInputOf, ResponseOf, RouteId, Routes } from '../../../main/contract/routes.ts';
import type { EventEnvelope } from '../../../main/contract/events.ts';

/** Path params and body of a route, each required exactly when the contract has a schema for it; query parameters are optional. */
export type CallInput<K extends RouteId> = (ParamsOf<Routes[K]> extends undefined ? { params?: undefined } : { params: ParamsOf<Routes[K]> }) &
  (BodyOf<Routes[K]> extends undefined ? { body?: undefined } : { body: BodyOf<Routes[K]> }) &
  (QueryInputOf<Routes[K]> extends undefined ? { query?: undefined } : { query?: QueryInputOf<Routes[K]> });

export type Answer<K extends RouteId> = ResponseOf<Routes[K]>;

/** A live /api/audio connection: microphone frames out, reply audio and errors in. */
export interface AudioChannel {
  /** Resolves once the server acknowledged the hello (or rejects with why it could not connect). */
  ready: Promise<void>;
  sendPcm(samples: Int16Array): void;
  /** Muted: the server ignores this microphone (replies still play here). */
  setMuted(muted: boolean): void;
  /** Ask the server to stop speaking (and stop the running turn). */
  stopSpeaking(): void;
  close(): void;
}

export interface AudioChannelHandlers {
  onAudioStart(sampleRate: number): void;
  onAudioChunk(samples: Int16Array): void;
  onAudioEnd(interrupted: boolean): void;
  onError(message: string): void;
  /** `kiwiWentAway`: Kiwi stopped or restarted under an open connection (not a refusal, not our own close). */
  onClose(reason: string, kiwiWentAway: boolean): void;
}

/**
 * What the dashboard needs from Kiwi: every REST route of the shared contract by its id, the
 * event stream and the audio channel. The browser implements it over HTTP + WebSocket; the
 * desktop window can implement it over the preload bridge. Nothing else in the renderer knows
 * which transport it has.
 */
export interface KiwiClient {
  call<K extends RouteId>(route: K, input?: CallInput<K>): Promise<Answer<K>>;
  /** Subscribe to the event stream (reconnecting); returns the unsubscribe function. */
  onEvent(listener: (event: EventEnvelope) => void, onConnection: (connected: boolean) => void): () => void;
  openAudio(sampleRate: number, handlers: AudioChannelHandlers): AudioChannel;
}

export class KiwiApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** A message for the person at the screen from anything a call threw. */
export function errorText(err: unknown): string {
  if (err instanceof KiwiApiError) return `${err.message} (${err.code})`;
  if (err instanceof Error) return err.message;
  return String(err);
}
