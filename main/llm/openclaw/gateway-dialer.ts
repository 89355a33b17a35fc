import { maskUrlPassword } from '../../config/url-passwords.ts';
import { systemClock, type Clock } from '../../platform/clock.ts';
import { untilAborted } from '../../platform/until-aborted.ts';
import { readConfig, type LlmConfigSource } from '../types.ts';
import { DeviceIdentity, DeviceTokenStore } from './device-identity.ts';
import { GatewayConnection, GatewayRpcError, type GatewayEvent } from './gateway-connection.ts';
import { PairingTracker, type OpenClawPairing } from './pairing.ts';

export const OPENCLAW_DEFAULT_URL = 'ws://127.0.0.1:18789';

export interface DialerOptions {
  /** Where Kiwi's device identity and device tokens live (<data>/openclaw); none: connect without one. */
  identityDir?: string;
  /** The gateway token when llm.api_key is empty (OPENCLAW_GATEWAY_TOKEN, ~/.openclaw/openclaw.json). */
  discoverToken?: () => string;
  /** The pairing state changed (connected, waiting for approval, refused…). */
  onPairing?: (pairing: OpenClawPairing) => void;
  clientVersion?: string;
  /** Times the handshake and requests, the backoff and the silence timeout (Kiwi's one clock; tests use a manual one). */
  clock?: Clock;
}

export interface DialerHooks {
  onEvent: (event: GatewayEvent) => void;
  /** A connection closed (its runs fail with `reason`). */
  onClose: (connection: GatewayConnection, reason: Error) => void;
}

/**
 * The one connection to the gateway config names, opened on demand: the shared token, else the
 * device token this gateway issued after pairing; the pairing state follows every attempt. A
 * changed URL or token closes the old connection.
 */
export class GatewayDialer {
  #connection: GatewayConnection | null = null;
  #connecting: Promise<GatewayConnection> | null = null;
  #connectedTo = '';
  readonly #pairing: PairingTracker;
  #identity: Promise<DeviceIdentity> | null = null;
  readonly #clock: Clock;

  constructor(
    private readonly config: LlmConfigSource,
    private readonly options: DialerOptions,
    private readonly hooks: DialerHooks,
  ) {
    this.#clock = options.clock ?? systemClock;
    this.#pairing = new PairingTracker((pairing) => this.options.onPairing?.(pairing), () => this.#clock.now());
  }

  get pairing(): OpenClawPairing {
    return this.#pairing.current;
  }

  async connect(signal?: AbortSignal): Promise<GatewayConnection> {
    const cfg = readConfig(this.config);
    const url = gatewayUrl(cfg.base_url);
    const shared = cfg.api_key || this.options.discoverToken?.() || '';
    const target = `${url}\n${shared}`;
    if (this.#connectedTo !== target) {
      // The URL or token changed in config: the old connection belongs to another gateway.
      this.close();
      this.#connectedTo = target;
    }
    if (this.#connection?.isOpen) return this.#connection;
    this.#connecting ??= this.#open(url, shared, cfg.timeout_s);
    return untilAborted(this.#connecting, signal);
  }

  close(): void {
    this.#connection?.close();
    this.#connection = null;
    this.#connecting = null;
  }

  async #open(url: string, shared: string, timeoutS: number): Promise<GatewayConnection> {
    try {
      const dir = this.options.identityDir;
      const device = dir ? await (this.#identity ??= DeviceIdentity.loadOrCreate(dir)) : undefined;
      const tokens = dir ? DeviceTokenStore.in(dir) : null;
      // The shared token when there is one; else the device token this gateway issued after pairing.
      const stored = tokens ? await tokens.get(url) : null;
      const token = shared || stored?.token || '';
      // The status and OPENCLAW_PAIRING go to every reader: a password in llm.base_url is masked, as GET /api/config masks it.
      this.#pairing.set({ state: 'connecting', gateway: maskUrlPassword(url), device_id: device?.deviceId ?? null });
      const connection = new GatewayConnection({
        url,
        token,
        device,
        handshakeTimeoutMs: Math.min(timeoutS * 1000, 15_000),
        requestTimeoutMs: Math.min(timeoutS * 1000, 30_000),
        clientVersion: this.options.clientVersion ?? '0.1.0',
        clock: this.#clock,
        onEvent: this.hooks.onEvent,
        onClose: (reason) => {
          this.hooks.onClose(connection, reason);
          if (this.#connection === connection) this.#connection = null;
        },
      });
      this.#connection = connection;
      let hello: Record<string, unknown>;
      try {
        hello = await connection.open();
      } catch (err) {
        if (err instanceof GatewayRpcError && err.pairingRequired) {
          this.#pairing.set({ state: 'pairing_required', request_id: err.requestId, message: err.message });
        } else if (err instanceof GatewayRpcError && err.code === 'llm_unauthorized') {
          // A device token the gateway no longer knows (revoked, gateway reset) is dropped; pairing starts over.
          if (!shared && stored && tokens) await tokens.set(url, null);
          this.#pairing.set({ state: 'refused', request_id: null, message: err.message });
        } else {
          this.#pairing.set({ state: 'unreachable', request_id: null, message: err instanceof Error ? err.message : String(err) });
        }
        throw err;
      }
      const auth = (hello.auth ?? {}) as { deviceToken?: unknown; role?: unknown; scopes?: unknown };
      const scopes = Array.isArray(auth.scopes) ? auth.scopes.filter((x): x is string => typeof x === 'string') : [];
      if (tokens && typeof auth.deviceToken === 'string' && auth.deviceToken !== stored?.token) {
        await tokens.set(url, { token: auth.deviceToken, role: typeof auth.role === 'string' ? auth.role : 'operator', scopes, issued_at: new Date(this.#clock.now()).toISOString() });
      }
      this.#pairing.set({ state: 'connected', request_id: null, message: null, scopes });
      return connection;
    } finally {
      this.#connecting = null;
    }
  }
}

/** http(s)://host:port[/path] → ws(s)://…; empty → the gateway's default loopback address. */
export function gatewayUrl(baseUrl: string): string {
  if (!baseUrl) return OPENCLAW_DEFAULT_URL;
  return baseUrl.replace(/^http(s?):\/\//i, 'ws$1://').replace(/\/+$/, '');
}
