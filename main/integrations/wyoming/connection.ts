import type { Socket } from 'node:net';
import type { Clock } from '../../platform/clock.ts';
import { AbandonWatch, IDLE_MS, STREAM_SILENCE_MS } from './abandon-watch.ts';
import { describeError, KiwiError } from '../../platform/errors.ts';
import { encodeEvent, EventReader, WyomingProtocolError, type WyomingEvent } from './framing.ts';
import { infoEvent } from './info.ts';
import { DetectSession, synthesize, TranscribeSession } from './sessions.ts';
import type { WyomingStages } from './stages.ts';

/**
 * One client connection (Home Assistant opens one per request). Events are handled one after
 * another in arrival order. A malformed frame is answered with `error` and the connection is
 * closed; a request Kiwi cannot serve (no model, too long) is answered with `error` and the
 * connection stays usable. Unknown event types are ignored, as the protocol asks. A peer that
 * falls silent mid-stream (STREAM_SILENCE_MS) or leaves the connection unused (IDLE_MS) is
 * hung up on (abandon-watch.ts).
 */
export class WyomingConnection {
  readonly #reader = new EventReader();
  #queue: Promise<void> = Promise.resolve();
  #session: TranscribeSession | DetectSession | null = null;
  #language: string | null = null;
  /** A request failed (answered with `error`): its remaining audio is dropped until audio-stop, not answered chunk by chunk. */
  #dropAudio = false;
  #closed = false;
  /** Events received and not yet handled: Kiwi is working, the peer is waiting for it. */
  #busy = 0;
  readonly #watch: AbandonWatch;

  constructor(
    private readonly socket: Socket,
    private readonly stages: WyomingStages,
    private readonly onFailure: (message: string) => void,
    clock: Pick<Clock, 'setTimer'>,
  ) {
    this.#watch = new AbandonWatch(
      clock,
      () => (this.#busy > 0 ? null : this.#session ? STREAM_SILENCE_MS : IDLE_MS),
      () => socket.destroy(),
    );
    this.#watch.heard();
    socket.on('data', (chunk: Buffer) => this.#receive(chunk));
    socket.on('close', () => this.#close());
    socket.on('error', () => this.#close()); // a reset by the peer: nothing to answer
  }

  #receive(chunk: Buffer): void {
    if (this.#closed) return;
    let events: WyomingEvent[];
    try {
      events = this.#reader.push(chunk);
    } catch (err) {
      this.#fail(err);
      return;
    }
    this.#busy += events.length;
    this.#watch.heard();
    for (const event of events) {
      this.#queue = this.#queue
        .then(() => this.#handle(event))
        .catch((err: unknown) => this.#answerError(err))
        .finally(() => {
          this.#busy -= 1;
          if (!this.#closed) this.#watch.heard();
        });
    }
  }

  async #handle(event: WyomingEvent): Promise<void> {
    if (this.#closed) return;
    const send = (out: WyomingEvent) => this.#send(out);
    if (this.#dropAudio && event.type.startsWith('audio-')) {
      if (event.type === 'audio-stop') this.#dropAudio = false;
      return;
    }
    this.#dropAudio = false;
    switch (event.type) {
      case 'describe':
        return send(await infoEvent(this.stages));
      case 'ping':
        return send({ type: 'pong', data: typeof event.data.text === 'string' ? { text: event.data.text } : {} });
      case 'transcribe':
        this.#endSession();
        this.#language = typeof event.data.language === 'string' && /^[a-z]{2}/.test(event.data.language) ? event.data.language.slice(0, 2) : null;
        this.#session = new TranscribeSession(this.stages, this.#language ?? this.stages.settings().language);
        return;
      case 'detect':
        this.#endSession();
        this.#session = new DetectSession(this.stages, this.stages.settings().wakeWord);
        return;
      case 'audio-start':
        // Audio without transcribe or detect first is a transcription (what Wyoming STT servers do).
        this.#session ??= new TranscribeSession(this.stages, this.#language ?? this.stages.settings().language);
        this.#session.start(event);
        return;
      case 'audio-chunk':
        if (!this.#session) this.#session = new TranscribeSession(this.stages, this.stages.settings().language);
        if (this.#session instanceof DetectSession) return this.#session.chunk(event, send);
        this.#session.chunk(event);
        return;
      case 'audio-stop': {
        const session = this.#session;
        this.#session = null;
        this.#language = null;
        if (session instanceof DetectSession) return session.stop(send);
        if (session) await session.stop(send);
        return;
      }
      case 'synthesize':
        return synthesize(this.stages, event.data, send);
      default:
        return; // events of roles Kiwi does not serve (intent, handle, satellite)
    }
  }

  #send(event: WyomingEvent): void {
    if (!this.#closed && this.socket.writable) this.socket.write(encodeEvent(event));
  }

  /** A request failed: tell the client and keep the connection (its next request may succeed). */
  #answerError(err: unknown): void {
    if (err instanceof WyomingProtocolError) return this.#fail(err);
    const code = err instanceof KiwiError ? err.code : 'internal_error';
    if (!(err instanceof KiwiError)) this.onFailure(describeError(err));
    this.#endSession();
    this.#dropAudio = true;
    this.#send({ type: 'error', data: { text: describeError(err), code } });
  }

  /** The client broke the protocol: say why, then hang up. */
  #fail(err: unknown): void {
    this.#send({ type: 'error', data: { text: describeError(err), code: 'protocol_error' } });
    this.socket.end();
    this.#close();
  }

  #endSession(): void {
    if (this.#session instanceof DetectSession) this.#session.dispose();
    this.#session = null;
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#watch.stop();
    this.#endSession();
  }
}
