/**
 * Where Kiwi stands with its OpenClaw gateway, for /api/status and the dashboard:
 *   connecting → connected (scopes granted), or pairing_required (the owner approves Kiwi's device
 *   on the gateway: `openclaw devices approve <request_id>` or the Control UI's Devices page),
 *   refused (a wrong token), unreachable.
 */
export type PairingState = 'idle' | 'connecting' | 'connected' | 'pairing_required' | 'refused' | 'unreachable';

export interface OpenClawPairing {
  state: PairingState;
  /** The gateway's WebSocket URL. */
  gateway: string | null;
  /** Kiwi's device id at the gateway (SHA-256 of its public key), as `openclaw devices list` shows it. */
  device_id: string | null;
  /** The pending pairing request to approve, when the gateway gave one. */
  request_id: string | null;
  /** The scopes the gateway granted this connection. */
  scopes: string[];
  message: string | null;
  since: string;
}

export class PairingTracker {
  #current: OpenClawPairing;

  constructor(
    private readonly onChange: (pairing: OpenClawPairing) => void,
    /** Kiwi's clock (ms since the epoch): `since` is dated by it. */
    private readonly now: () => number,
  ) {
    this.#current = { state: 'idle', gateway: null, device_id: null, request_id: null, scopes: [], message: null, since: this.#stamp() };
  }

  #stamp(): string {
    return new Date(this.now()).toISOString();
  }

  get current(): OpenClawPairing {
    return this.#current;
  }

  set(change: Partial<OpenClawPairing> & Pick<OpenClawPairing, 'state'>): void {
    const previous = this.#current;
    const scopes = change.state === 'connected' ? (change.scopes ?? previous.scopes) : [];
    this.#current = { ...previous, ...change, scopes, since: change.state === previous.state ? previous.since : this.#stamp() };
    if (change.state !== previous.state || change.request_id !== previous.request_id) this.onChange(this.#current);
  }
}
