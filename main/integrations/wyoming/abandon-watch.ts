import type { Clock } from '../../platform/clock.ts';

/** A request whose audio is flowing (peers send a chunk every 20–100 ms): this long without a byte, the peer is gone. */
export const STREAM_SILENCE_MS = 10_000;
/** No request open: Home Assistant opens a connection per request, so one unused this long was left behind. */
export const IDLE_MS = 60_000;

/**
 * Notices a peer that went away without closing (a satellite unplugged or off the Wi-Fi sends no
 * FIN or RST, so the socket never closes by itself) and hands its slot back. The silence counts
 * on Kiwi's clock from the peer's last byte or Kiwi's last answer, whichever is later; while Kiwi
 * is still working on a request (`limitMs` null) the peer is waiting, not gone.
 */
export class AbandonWatch {
  #cancel: () => void = () => undefined;

  constructor(
    private readonly clock: Pick<Clock, 'setTimer'>,
    private readonly limitMs: () => number | null,
    private readonly onAbandoned: () => void,
  ) {}

  /** The peer sent something, or Kiwi finished with what it sent: the silence counts from now. */
  heard(): void {
    this.#cancel();
    const ms = this.limitMs();
    if (ms !== null) this.#cancel = this.clock.setTimer(this.onAbandoned, ms);
  }

  stop(): void {
    this.#cancel();
  }
}
