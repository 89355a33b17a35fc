import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { maskUrlPassword } from '../../config/url-passwords.ts';
import type { Clock } from '../../platform/clock.ts';
import { excerpt, LlmError, networkError } from '../errors.ts';
import type { DeviceIdentity } from './device-identity.ts';

/**
 * One WebSocket to an OpenClaw gateway, speaking its frame protocol (protocol 3–4):
 *   request  {type:"req", id, method, params}
 *   response {type:"res", id, ok, payload | error:{code, message, details?, retryable?, retryAfterMs?}}
 *   event    {type:"event", event, payload, seq?}
 * Handshake: the gateway sends `connect.challenge {nonce, ts}`; the first request must be
 * `connect`, answered by a `hello-ok` payload. Kiwi connects as an operator client
 * (`gateway-client` / `ui`) with the shared gateway token (or its device token) and its device
 * identity signing the challenge: without a signed identity a gateway clears the requested scopes.
 */

export const SERVICE = 'the OpenClaw gateway';
export const MIN_PROTOCOL = 3;
export const MAX_PROTOCOL = 4;
/** Operator scopes: read/write for chat, approvals to answer exec-approval requests. */
export const SCOPES = ['operator.read', 'operator.write', 'operator.approvals'];
export const CLIENT = { id: 'gateway-client', mode: 'ui', role: 'operator' } as const;

export interface GatewayEvent {
  event: string;
  payload: Record<string, unknown>;
}

export interface ConnectionOptions {
  url: string;
  /** The shared gateway token, else the device token this gateway issued, else ''. */
  token: string;
  /** Kiwi's device identity; signs the challenge. */
  device?: DeviceIdentity;
  /** How long to wait for the socket, the challenge and hello-ok together. */
  handshakeTimeoutMs: number;
  /** Per request (not the chat stream, which is watched by its own silence timeout). */
  requestTimeoutMs: number;
  clientVersion: string;
  /** Times the handshake, the challenge grace and every request (Kiwi's clock). */
  clock: Clock;
  onEvent: (event: GatewayEvent) => void;
  onClose: (reason: LlmError) => void;
}

interface Challenge {
  nonce: string;
  /** The gateway's clock: signed as the device's signedAt. */
  ts: number;
}

interface Pending {
  resolve: (payload: unknown) => void;
  reject: (err: LlmError) => void;
  cancelTimer: () => void;
}

/** How long to wait for `connect.challenge` before sending `connect` anyway (older gateways send none). */
const CHALLENGE_GRACE_MS = 750;
const MAX_FRAME_BYTES = 25 * 1024 * 1024;

export class GatewayConnection {
  readonly #pending = new Map<string, Pending>();
  #socket: WebSocket | null = null;
  #open = false;
  #closed = false;

  constructor(private readonly options: ConnectionOptions) {}

  get isOpen(): boolean {
    return this.#open && !this.#closed;
  }

  /** Connect and complete the handshake; resolves with the hello-ok payload. */
  open(signal?: AbortSignal): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const { clock } = this.options;
      let cancelGrace = () => {};
      const fail = (err: unknown) => {
        cleanup();
        this.close();
        reject(err);
      };
      const onAbort = () => fail(signal!.reason);
      const cancelTimer = clock.setTimer(() => fail(new LlmError('llm_timeout', `${SERVICE} did not complete the handshake in ${this.options.handshakeTimeoutMs} ms`, true)), this.options.handshakeTimeoutMs);
      const cleanup = () => {
        cancelTimer();
        cancelGrace();
        signal?.removeEventListener('abort', onAbort);
      };
      if (signal?.aborted) return fail(signal.reason);
      signal?.addEventListener('abort', onAbort, { once: true });

      let socket: WebSocket;
      try {
        // No ws handshakeTimeout: the handshake timer above covers the upgrade too, on Kiwi's clock.
        socket = new WebSocket(this.options.url, { maxPayload: MAX_FRAME_BYTES });
      } catch (err) {
        // ws quotes the URL in its message: the password in it is masked there too.
        const shown = maskUrlPassword(this.options.url);
        return fail(new LlmError('llm_bad_response', `${SERVICE} URL '${shown}' is not usable: ${(err as Error).message.replaceAll(this.options.url, shown)}`));
      }
      this.#socket = socket;
      let sentConnect = false;
      const sendConnect = (challenge?: Challenge) => {
        if (sentConnect) return;
        sentConnect = true;
        this.#request('connect', this.#connectParams(challenge), this.options.handshakeTimeoutMs).then(
          (payload) => {
            const hello = (payload ?? {}) as Record<string, unknown>;
            if (hello.type !== 'hello-ok') return fail(new LlmError('llm_bad_response', `${SERVICE} answered connect without hello-ok`));
            cleanup();
            this.#open = true;
            resolve(hello);
          },
          (err: LlmError) => fail(err),
        );
      };
      // Wait briefly for the challenge; gateways that predate it accept connect straight away.
      socket.on('open', () => (cancelGrace = clock.setTimer(() => sendConnect(), CHALLENGE_GRACE_MS)));
      socket.on('message', (data) => {
        const frame = this.#parse(data);
        if (!frame) {
          // Before the handshake this is not a gateway at all (waiting out the handshake timeout would only hide why).
          if (!this.#open) fail(new LlmError('llm_bad_response', `${SERVICE} sent something that is not a gateway frame ('${excerpt(data.toString())}'): is llm.base_url the OpenClaw gateway?`));
          return;
        }
        if (frame.type === 'event' && frame.event === 'connect.challenge') {
          const { nonce, ts } = (frame.payload ?? {}) as { nonce?: unknown; ts?: unknown };
          if (typeof nonce !== 'string' || !nonce || typeof ts !== 'number' || !Number.isInteger(ts) || ts < 0) {
            return fail(new LlmError('llm_bad_response', `${SERVICE} sent a connect.challenge without a usable nonce and ts`));
          }
          sendConnect({ nonce, ts });
          return;
        }
        this.#dispatch(frame);
      });
      socket.on('unexpected-response', (_req, res) => {
        const status = res.statusCode ?? 0;
        const code = status === 401 || status === 403 ? 'llm_unauthorized' : status >= 500 ? 'llm_unreachable' : 'llm_bad_response';
        fail(new LlmError(code, `${SERVICE} refused the WebSocket upgrade (HTTP ${status})`, code === 'llm_unreachable'));
      });
      socket.on('error', (err) => {
        if (!this.#open) fail(networkError(SERVICE, err));
      });
      socket.on('close', (code, reason) => {
        const text = reason.toString();
        const error = new LlmError('llm_unreachable', `${SERVICE} closed the connection (${code}${text ? ` ${excerpt(text)}` : ''})`, true);
        if (!this.#open) fail(error);
        this.#shutdown(error);
      });
    });
  }

  /** Send a request; resolves with its payload, rejects with an LlmError mapped from the gateway's error. */
  request(method: string, params: unknown, timeoutMs = this.options.requestTimeoutMs): Promise<unknown> {
    if (!this.isOpen) return Promise.reject(new LlmError('llm_unreachable', `${SERVICE} is not connected`, true));
    return this.#request(method, params, timeoutMs);
  }

  close(): void {
    if (this.#closed) return;
    this.#shutdown(new LlmError('llm_unreachable', `the connection to ${SERVICE} was closed by Kiwi`, true));
    this.#socket?.close(1000, 'client closing');
  }

  #connectParams(challenge: Challenge | undefined): Record<string, unknown> {
    const { device, token } = this.options;
    // A gateway from before the challenge has nothing to sign: the identity goes without a device block.
    const signed =
      device && challenge
        ? device.sign({ clientId: CLIENT.id, clientMode: CLIENT.mode, role: CLIENT.role, scopes: SCOPES, signedAtMs: challenge.ts, token, nonce: challenge.nonce, platform: process.platform })
        : undefined;
    return {
      minProtocol: MIN_PROTOCOL,
      maxProtocol: MAX_PROTOCOL,
      client: { id: CLIENT.id, displayName: 'Kiwi', version: this.options.clientVersion, platform: process.platform, mode: CLIENT.mode },
      role: CLIENT.role,
      scopes: SCOPES,
      // Without this capability the gateway counts no approval client and denies every exec that needs one.
      caps: ['exec-approvals'],
      ...(token ? { auth: { token } } : {}),
      ...(signed ? { device: signed } : {}),
      userAgent: `kiwi/${this.options.clientVersion}`,
    };
  }

  #request(method: string, params: unknown, timeoutMs: number): Promise<unknown> {
    const socket = this.#socket;
    if (!socket || this.#closed) return Promise.reject(new LlmError('llm_unreachable', `${SERVICE} is not connected`, true));
    const id = randomUUID();
    return new Promise((resolve, reject) => {
      const cancelTimer = this.options.clock.setTimer(() => {
        this.#pending.delete(id);
        reject(new LlmError('llm_timeout', `${SERVICE} did not answer ${method} in ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, cancelTimer });
      socket.send(JSON.stringify({ type: 'req', id, method, params }), (err) => {
        if (!err) return;
        cancelTimer();
        this.#pending.delete(id);
        reject(networkError(SERVICE, err));
      });
    });
  }

  #parse(data: WebSocket.RawData): Record<string, unknown> | null {
    try {
      const frame = JSON.parse(data.toString()) as unknown;
      return frame && typeof frame === 'object' ? (frame as Record<string, unknown>) : null;
    } catch {
      // A frame that is not JSON is a protocol error on the gateway's side; it cannot be matched to anything.
      this.options.onEvent({ event: 'kiwi.bad_frame', payload: { text: excerpt(data.toString()) } });
      return null;
    }
  }

  #dispatch(frame: Record<string, unknown>): void {
    if (frame.type === 'res' && typeof frame.id === 'string') {
      const pending = this.#pending.get(frame.id);
      if (!pending) return;
      this.#pending.delete(frame.id);
      pending.cancelTimer();
      if (frame.ok === true) pending.resolve(frame.payload);
      else pending.reject(gatewayError(frame.error));
    } else if ((frame.type === 'event' || frame.type === 'evt') && typeof frame.event === 'string') {
      const payload = frame.payload && typeof frame.payload === 'object' ? (frame.payload as Record<string, unknown>) : {};
      this.options.onEvent({ event: frame.event, payload });
    }
  }

  #shutdown(reason: LlmError): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#open = false;
    for (const [id, pending] of this.#pending) {
      pending.cancelTimer();
      pending.reject(reason);
      this.#pending.delete(id);
    }
    this.options.onClose(reason);
  }
}

/** An error the gateway answered with; `detail` is its `details.code` (e.g. PAIRING_REQUIRED, AUTH_TOKEN_MISMATCH). */
export class GatewayRpcError extends LlmError {
  constructor(
    code: ConstructorParameters<typeof LlmError>[0],
    message: string,
    readonly gatewayCode: string,
    readonly detail: string,
    /** The pending pairing request the owner approves (`openclaw devices approve <id>`). */
    readonly requestId: string | null,
    retryable = false,
    retryAfterMs?: number,
  ) {
    super(code, message, retryable, retryAfterMs);
  }

  get pairingRequired(): boolean {
    return this.gatewayCode === 'NOT_PAIRED' || this.detail === 'PAIRING_REQUIRED';
  }
}

/** A gateway error shape → LlmError: auth and pairing → unauthorized, UNAVAILABLE → retryable. */
export function gatewayError(raw: unknown): GatewayRpcError {
  const error = (raw ?? {}) as { code?: unknown; message?: unknown; details?: { code?: unknown; requestId?: unknown }; retryable?: unknown; retryAfterMs?: unknown };
  const code = String(error.code ?? 'UNKNOWN');
  const detail = typeof error.details?.code === 'string' ? error.details.code : '';
  const requestId = typeof error.details?.requestId === 'string' ? error.details.requestId : null;
  const message = `${SERVICE}: ${code}${detail ? `/${detail}` : ''} ${typeof error.message === 'string' ? excerpt(error.message) : ''}`.trim();
  const retryAfterMs = typeof error.retryAfterMs === 'number' ? error.retryAfterMs : undefined;
  const said = typeof error.message === 'string' ? error.message : '';
  const make = (llmCode: ConstructorParameters<typeof LlmError>[0], retryable = false) => new GatewayRpcError(llmCode, message, code, detail, requestId, retryable, retryAfterMs);
  if (/^(NOT_PAIRED|FORBIDDEN|UNAUTHORIZED|PAIRING_REQUIRED)$/.test(code) || /^(AUTH_|DEVICE_AUTH_|PAIRING_)/.test(detail) || /unauthori[sz]ed|token mismatch|pairing required|missing scope/i.test(said)) {
    return make('llm_unauthorized');
  }
  if (code === 'AGENT_TIMEOUT') return make('llm_timeout');
  if (code === 'UNAVAILABLE' || error.retryable === true) return make('llm_unreachable', true);
  return make('llm_bad_response');
}
