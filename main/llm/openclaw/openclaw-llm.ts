import { createHash, randomUUID } from 'node:crypto';
import { AsyncQueue } from '../async-queue.ts';
import { LlmError } from '../errors.ts';
import { DEFAULT_RESILIENCE, resilientStream } from '../resilient-stream.ts';
import { readConfig, type ChatMessage, type ChatOptions, type Llm, type LlmConfigSource } from '../types.ts';
import { parseApprovalRequest, parseApprovalResolved, type ApprovalCallbacks, type ExecApprovalDecision } from './approvals.ts';
import { DeviceIdentity, DeviceTokenStore } from './device-identity.ts';
import { GatewayConnection, GatewayRpcError, SERVICE, type GatewayEvent } from './gateway-connection.ts';
import { PairingTracker, type OpenClawPairing } from './pairing.ts';
import { RunText } from './run-text.ts';

export const OPENCLAW_DEFAULT_URL = 'ws://127.0.0.1:18789';

export interface OpenClawOptions extends ApprovalCallbacks {
  /** Where Kiwi's device identity and device tokens live (<data>/openclaw); none: connect without one. */
  identityDir?: string;
  /** The gateway token when llm.api_key is empty (OPENCLAW_GATEWAY_TOKEN, ~/.openclaw/openclaw.json). */
  discoverToken?: () => string;
  /** The pairing state changed (connected, waiting for approval, refused…). */
  onPairing?: (pairing: OpenClawPairing) => void;
  /** The gateway refused something Kiwi could do without (a soul's model): the answer comes anyway. */
  onNotice?: (message: string) => void;
  retries?: number;
  backoffMs?: number;
  maxBackoffMs?: number;
  clientVersion?: string;
}

interface Turn {
  sessionKey: string;
  /** The soul's model ('' = the agent's own). */
  model: string;
  message: string;
  idempotencyKey: string;
  timeoutMs: number;
}

interface ActiveRun {
  connection: GatewayConnection;
  /** The agent announced its lifecycle for this run: the run is over at lifecycle `end`, not at the first `final`. */
  lifecycle: boolean;
  ended: boolean;
  /** The gateway ended the run with nothing to say (terminal reply `silent`, e.g. the agent answered NO_REPLY). */
  silent: boolean;
  /** Preamble items already spoken (the gateway may repeat an item's end). */
  parts: Set<string>;
  sessionKey: string;
  runIds: Set<string>;
  acked: boolean;
  events: AsyncQueue<Record<string, unknown>>;
  alive: () => void;
  approvals: Set<string>;
}

/** While a human decides an exec approval, the run is silent on purpose: keep its timeout from firing. */
const APPROVAL_KEEPALIVE_MS = 1000;

/**
 * The OpenClaw gateway as Kiwi's LLM: `chat.send` into a gateway session, the answer streamed back
 * as `chat` events (`delta` … `final` | `error` | `aborted`). The gateway owns the conversation
 * history and the model (its agent decides), so only the newest user message is sent; the soul's
 * system prompt is prefixed to the first message of a session and again whenever it changes.
 * Exec-approval requests from the gateway are passed to `onApprovalRequest`; `resolveApproval`
 * answers them.
 */
export class OpenClawLlm implements Llm {
  readonly name = 'openclaw';
  #connection: GatewayConnection | null = null;
  #connecting: Promise<GatewayConnection> | null = null;
  #connectedTo = '';
  readonly #runs = new Set<ActiveRun>();
  /** sessionKey → the system prompt the session was last given. */
  readonly #primed = new Map<string, string>();
  /** sessionKey → the model the session was switched to. */
  readonly #models = new Map<string, string>();
  readonly #pairing: PairingTracker;
  #identity: Promise<DeviceIdentity> | null = null;

  constructor(
    private readonly config: LlmConfigSource,
    private readonly options: OpenClawOptions = {},
  ) {
    this.#pairing = new PairingTracker((pairing) => this.options.onPairing?.(pairing));
  }

  /** Where Kiwi stands with the gateway: connected, waiting for the owner's approval, refused… */
  get pairing(): OpenClawPairing {
    return this.#pairing.current;
  }

  /**
   * The gateway session for a Kiwi conversation (a speaker, or `<speaker>:nsfw` for an nsfw soul):
   * `agent:<agent>:<session>-<speaker>`, with llm.openclaw's nsfw agent and session for nsfw ones.
   */
  sessionKeyFor(conversation = 'default'): string {
    const target = readConfig(this.config).openclaw;
    const nsfw = conversation.endsWith(':nsfw');
    const agent = (nsfw && target.nsfw_agent) || target.agent;
    const session = (nsfw && target.nsfw_session) || target.session;
    let slug = conversation.toLowerCase().replace(/:/g, '-');
    if (!/^[a-z0-9_-]{1,120}$/.test(slug)) {
      // Anything else is made safe, and a hash keeps two such names from sharing a session.
      const hash = createHash('sha256').update(conversation).digest('hex').slice(0, 10);
      slug = `${slug.replace(/[^a-z0-9_-]+/g, '-').slice(0, 80)}-${hash}`;
    }
    return `agent:${agent}:${session}-${slug}`;
  }

  /** Whether a gateway session is one of Kiwi's (`agent:*:<session>-…`): its exec approvals are Kiwi's to answer. */
  ownsSession(sessionKey: string): boolean {
    const { session, nsfw_session } = readConfig(this.config).openclaw;
    const name = sessionKey.split(':')[2] ?? '';
    return sessionKey.startsWith('agent:') && [session, nsfw_session].some((prefix) => prefix && name.startsWith(`${prefix}-`));
  }

  chat(messages: ChatMessage[], options: ChatOptions): AsyncIterable<string> {
    const cfg = readConfig(this.config);
    const sessionKey = this.sessionKeyFor(options.conversation);
    const model = options.model;
    const system = messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n\n');
    const user = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    const message = system && this.#primed.get(sessionKey) !== system ? `${system}\n\n---\n\n${user}` : user;
    // One idempotency key for every retry of this turn: the gateway runs it at most once.
    const idempotencyKey = randomUUID();
    const timeoutMs = cfg.timeout_s * 1000;
    const attempt = (signal: AbortSignal, alive: () => void) => this.#turn({ sessionKey, message, idempotencyKey, timeoutMs, model }, system, signal, alive);
    return resilientStream(attempt, { ...DEFAULT_RESILIENCE, ...this.options, signal: options.signal, timeoutMs, service: SERVICE });
  }

  /** Answer an exec-approval request. */
  async resolveApproval(id: string, decision: ExecApprovalDecision, signal?: AbortSignal): Promise<void> {
    const connection = await this.#connect(signal);
    await connection.request('exec.approval.resolve', { id, decision });
  }

  /** Start a conversation's gateway session afresh (Kiwi's "reset context"). */
  async resetSession(conversation?: string, signal?: AbortSignal): Promise<void> {
    const key = this.sessionKeyFor(conversation);
    const connection = await this.#connect(signal);
    await connection.request('sessions.reset', { key });
    this.#primed.delete(key);
    this.#models.delete(key);
  }

  /** Close the gateway connection (a later chat reconnects). */
  close(): void {
    this.#connection?.close();
    this.#connection = null;
    this.#connecting = null;
  }

  /** Same as close: for the LLM slot, which disposes the old client when the provider changes. */
  dispose(): void {
    this.close();
  }

  async *#turn(turn: Turn, system: string, signal: AbortSignal, alive: () => void): AsyncGenerator<string> {
    yield* this.#run(turn, signal, alive);
    // Only a session that got the whole answer has surely seen the prompt.
    if (system) this.#primed.set(turn.sessionKey, system);
  }

  async *#run(
    turn: Turn,
    signal: AbortSignal,
    alive: () => void,
  ): AsyncGenerator<string> {
    const connection = await this.#connect(signal);
    alive();
    await this.#useModel(connection, turn, signal);
    const run: ActiveRun = { connection, lifecycle: false, ended: false, silent: false, parts: new Set(), sessionKey: turn.sessionKey, runIds: new Set([turn.idempotencyKey]), acked: false, events: new AsyncQueue(), alive, approvals: new Set() };
    this.#runs.add(run);
    let finished = false;
    const onAbort = () => {
      run.events.fail(signal.reason);
      if (finished) return;
      // Stop the agent too; the answer is no longer wanted. Best effort: the socket may be gone.
      const runId = [...run.runIds].pop();
      connection.request('chat.abort', { sessionKey: turn.sessionKey, runId }).catch(() => undefined);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const keepalive = setInterval(() => run.approvals.size > 0 && run.alive(), Math.max(20, Math.min(APPROVAL_KEEPALIVE_MS, turn.timeoutMs / 4)));
    try {
      const send = connection.request('chat.send', {
        sessionKey: turn.sessionKey,
        message: turn.message,
        idempotencyKey: turn.idempotencyKey,
        timeoutMs: turn.timeoutMs,
      });
      const ack = (await raceAbort(send, signal)) as { runId?: unknown } | undefined;
      if (typeof ack?.runId === 'string') run.runIds.add(ack.runId);
      run.acked = true;
      alive();
      const words = new RunText();
      let final = false;
      for await (const payload of run.events) {
        const state = payload.state;
        if (state === 'part') {
          const piece = words.part(typeof payload.text === 'string' ? payload.text : '');
          if (piece) yield piece;
        } else if (state === 'ended') {
          if (final) {
            finished = true;
            return;
          }
        } else if (state === 'delta' || state === 'final') {
          const piece = words.chat(payload);
          if (piece) yield piece;
          // A run can have several parts: with lifecycle events it is over only at lifecycle end.
          if (state === 'final') {
            final = true;
            if (!run.lifecycle || run.ended) {
              finished = true;
              return;
            }
          }
        } else if ((state === 'error' || state === 'aborted') && run.silent && words.quiet) {
          // The agent had nothing to say: an empty answer (Kiwi says so), not a failure.
          finished = true;
          return;
        } else if (state === 'error') {
          finished = true;
          throw chatError(payload);
        } else if (state === 'aborted') {
          finished = true;
          throw new LlmError('llm_bad_response', `${SERVICE} aborted the run${typeof payload.stopReason === 'string' ? ` (${payload.stopReason})` : ''}`);
        }
      }
    } finally {
      clearInterval(keepalive);
      signal.removeEventListener('abort', onAbort);
      this.#runs.delete(run);
    }
  }

  async #connect(signal?: AbortSignal): Promise<GatewayConnection> {
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
    return raceAbort(this.#connecting, signal);
  }

  async #open(url: string, shared: string, timeoutS: number): Promise<GatewayConnection> {
    const settle = () => (this.#connecting = null);
    try {
      const dir = this.options.identityDir;
      const device = dir ? await (this.#identity ??= DeviceIdentity.loadOrCreate(dir)) : undefined;
      const tokens = dir ? DeviceTokenStore.in(dir) : null;
      // The shared token when there is one; else the device token this gateway issued after pairing.
      const stored = tokens ? await tokens.get(url) : null;
      const token = shared || stored?.token || '';
      this.#pairing.set({ state: 'connecting', gateway: url, device_id: device?.deviceId ?? null });
      const connection = new GatewayConnection({
        url,
        token,
        device,
        handshakeTimeoutMs: Math.min(timeoutS * 1000, 15_000),
        requestTimeoutMs: Math.min(timeoutS * 1000, 30_000),
        clientVersion: this.options.clientVersion ?? '0.1.0',
        onEvent: (event) => this.#onEvent(event),
        onClose: (reason) => {
          for (const run of this.#runs) if (run.connection === connection) run.events.fail(reason);
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
        await tokens.set(url, { token: auth.deviceToken, role: typeof auth.role === 'string' ? auth.role : 'operator', scopes, issued_at: new Date().toISOString() });
      }
      this.#pairing.set({ state: 'connected', request_id: null, message: null, scopes });
      return connection;
    } finally {
      settle();
    }
  }

  #onEvent({ event, payload }: GatewayEvent): void {
    if (event === 'chat' || event === 'agent') {
      const sessionKey = payload.sessionKey;
      const runId = typeof payload.runId === 'string' ? payload.runId : null;
      for (const run of this.#runs) {
        if (sessionKey !== run.sessionKey) continue;
        if (run.acked && runId && !run.runIds.has(runId)) continue; // another client's run in the same session
        if (event === 'chat') run.events.push(payload);
        else this.#onAgentEvent(run, payload);
      }
    } else if (event === 'exec.approval.requested') {
      const request = parseApprovalRequest(payload);
      if (!request) return;
      for (const run of this.#runs) if (!request.sessionKey || request.sessionKey === run.sessionKey) run.approvals.add(request.id);
      if (request.expiresAtMs) setTimeout(() => this.#settle(request.id), Math.max(0, request.expiresAtMs - Date.now())).unref();
      this.options.onApprovalRequest?.(request);
    } else if (event === 'exec.approval.resolved') {
      const resolved = parseApprovalResolved(payload);
      if (!resolved) return;
      this.#settle(resolved.id);
      this.options.onApprovalResolved?.(resolved);
    }
  }

  /** Agent activity: tool and status events keep the run alive; lifecycle and preamble items shape it. */
  #onAgentEvent(run: ActiveRun, payload: Record<string, unknown>): void {
    run.alive();
    const data = (payload.data ?? {}) as Record<string, unknown>;
    if (payload.stream === 'lifecycle' && data.phase === 'start') run.lifecycle = true;
    if (payload.stream === 'lifecycle' && (data.phase === 'end' || data.phase === 'error')) {
      run.ended = true;
      run.silent = (data.terminalReply as { disposition?: unknown } | undefined)?.disposition === 'silent';
      run.events.push({ state: 'ended' });
    }
    if (payload.stream === 'item' && data.kind === 'preamble' && data.phase === 'end' && typeof data.progressText === 'string') {
      const item = typeof data.itemId === 'string' ? data.itemId : data.progressText;
      if (run.parts.has(item)) return;
      run.parts.add(item);
      run.events.push({ state: 'part', text: data.progressText });
    }
  }

  /** A soul's own model: the session is switched to it once (sessions.patch); a refusal keeps the agent's model. */
  async #useModel(connection: GatewayConnection, turn: Turn, signal: AbortSignal): Promise<void> {
    if (!turn.model || this.#models.get(turn.sessionKey) === turn.model) return;
    try {
      await raceAbort(connection.request('sessions.patch', { key: turn.sessionKey, model: turn.model }), signal);
      this.#models.set(turn.sessionKey, turn.model);
    } catch (err) {
      if (signal.aborted || !(err instanceof GatewayRpcError)) throw err;
      this.#models.set(turn.sessionKey, turn.model); // asked once; the agent's model answers
      this.options.onNotice?.(`${SERVICE} did not switch ${turn.sessionKey} to model '${turn.model}': ${err.message}`);
    }
  }

  #settle(approvalId: string): void {
    for (const run of this.#runs) {
      if (run.approvals.delete(approvalId)) run.alive();
    }
  }
}

/** http(s)://host:port[/path] → ws(s)://…; empty → the gateway's default loopback address. */
export function gatewayUrl(baseUrl: string): string {
  if (!baseUrl) return OPENCLAW_DEFAULT_URL;
  return baseUrl.replace(/^http(s?):\/\//i, 'ws$1://').replace(/\/+$/, '');
}

function chatError(payload: Record<string, unknown>): LlmError {
  const message = `${SERVICE} run failed: ${typeof payload.errorMessage === 'string' ? payload.errorMessage : 'no message'}`;
  switch (payload.errorKind) {
    case 'timeout':
      return new LlmError('llm_timeout', message);
    case 'rate_limit':
      return new LlmError('llm_unreachable', message, true);
    default:
      return new LlmError('llm_bad_response', message);
  }
}

function raceAbort<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => (signal.removeEventListener('abort', onAbort), resolve(v)),
      (e) => (signal.removeEventListener('abort', onAbort), reject(e)),
    );
  });
}
