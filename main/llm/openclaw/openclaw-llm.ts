import { createHash, randomUUID } from 'node:crypto';
import { AsyncQueue } from '../async-queue.ts';
import { LlmError } from '../errors.ts';
import { DEFAULT_RESILIENCE, resilientStream } from '../resilient-stream.ts';
import { readConfig, type ChatMessage, type ChatOptions, type Llm, type LlmConfigSource } from '../types.ts';
import { parseApprovalRequest, parseApprovalResolved, type ApprovalCallbacks, type ExecApprovalDecision } from './approvals.ts';
import { GatewayConnection, SERVICE, type GatewayEvent } from './gateway-connection.ts';

export const OPENCLAW_DEFAULT_URL = 'ws://127.0.0.1:18789';

export interface OpenClawOptions extends ApprovalCallbacks {
  /** The OpenClaw agent Kiwi's sessions belong to. */
  agentId?: string;
  retries?: number;
  backoffMs?: number;
  maxBackoffMs?: number;
  clientVersion?: string;
}

interface Turn {
  sessionKey: string;
  message: string;
  idempotencyKey: string;
  timeoutMs: number;
}

interface ActiveRun {
  connection: GatewayConnection;
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

  constructor(
    private readonly config: LlmConfigSource,
    private readonly options: OpenClawOptions = {},
  ) {}

  /** The gateway session for a Kiwi conversation (a speaker, or a speaker's nsfw context). */
  sessionKeyFor(conversation = 'default'): string {
    let slug = conversation.toLowerCase().replace(/:/g, '-');
    if (!/^[a-z0-9_-]{1,120}$/.test(slug)) {
      // Anything else is made safe, and a hash keeps two such names from sharing a session.
      const hash = createHash('sha256').update(conversation).digest('hex').slice(0, 10);
      slug = `${slug.replace(/[^a-z0-9_-]+/g, '-').slice(0, 80)}-${hash}`;
    }
    return `agent:${this.options.agentId ?? 'main'}:kiwi-${slug}`;
  }

  chat(messages: ChatMessage[], options: ChatOptions): AsyncIterable<string> {
    const cfg = readConfig(this.config);
    const sessionKey = this.sessionKeyFor(options.conversation);
    const system = messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n\n');
    const user = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    const message = system && this.#primed.get(sessionKey) !== system ? `${system}\n\n---\n\n${user}` : user;
    // One idempotency key for every retry of this turn: the gateway runs it at most once.
    const idempotencyKey = randomUUID();
    const timeoutMs = cfg.timeout_s * 1000;
    const attempt = (signal: AbortSignal, alive: () => void) => this.#turn({ sessionKey, message, idempotencyKey, timeoutMs }, system, signal, alive);
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
    const run: ActiveRun = { connection, sessionKey: turn.sessionKey, runIds: new Set([turn.idempotencyKey]), acked: false, events: new AsyncQueue(), alive, approvals: new Set() };
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
      let text = ''; // the answer so far, as the gateway has it
      let spoken = ''; // what was handed on (a rewrite of already-handed text cannot be taken back)
      for await (const payload of run.events) {
        const state = payload.state;
        if (state === 'delta' || state === 'final') {
          text = nextText(text, payload);
          if (text.startsWith(spoken) && text.length > spoken.length) {
            const piece = text.slice(spoken.length);
            spoken = text;
            yield piece;
          } else if (!text.startsWith(spoken)) {
            spoken = text;
          }
          if (state === 'final') {
            finished = true;
            return;
          }
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
    const target = `${url}\n${cfg.api_key}`;
    if (this.#connectedTo !== target) {
      // The URL or token changed in config: the old connection belongs to another gateway.
      this.close();
      this.#connectedTo = target;
    }
    if (this.#connection?.isOpen) return this.#connection;
    if (!this.#connecting) {
      const connection = new GatewayConnection({
        url,
        token: cfg.api_key,
        handshakeTimeoutMs: Math.min(cfg.timeout_s * 1000, 15_000),
        requestTimeoutMs: Math.min(cfg.timeout_s * 1000, 30_000),
        clientVersion: this.options.clientVersion ?? '0.1.0',
        onEvent: (event) => this.#onEvent(event),
        onClose: (reason) => {
          for (const run of this.#runs) if (run.connection === connection) run.events.fail(reason);
          if (this.#connection === connection) this.#connection = null;
        },
      });
      this.#connection = connection;
      const connecting = connection.open().then(() => connection);
      this.#connecting = connecting;
      const settle = () => {
        if (this.#connecting === connecting) this.#connecting = null;
      };
      connecting.then(settle, settle);
    }
    return raceAbort(this.#connecting, signal);
  }

  #onEvent({ event, payload }: GatewayEvent): void {
    if (event === 'chat' || event === 'agent') {
      const sessionKey = payload.sessionKey;
      const runId = typeof payload.runId === 'string' ? payload.runId : null;
      for (const run of this.#runs) {
        if (sessionKey !== run.sessionKey) continue;
        if (run.acked && runId && !run.runIds.has(runId)) continue; // another client's run in the same session
        if (event === 'chat') run.events.push(payload);
        else run.alive(); // tool and lifecycle activity: the agent is working
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

/** The assistant's text after this chat event: cumulative `message.content`, or `deltaText` (appended, or replacing). */
function nextText(previous: string, payload: Record<string, unknown>): string {
  const full = messageText(payload.message);
  if (full !== null) return full;
  if (typeof payload.deltaText === 'string') return payload.replace === true ? payload.deltaText : previous + payload.deltaText;
  return previous;
}

function messageText(message: unknown): string | null {
  if (!message || typeof message !== 'object') return typeof message === 'string' ? message : null;
  const content = (message as { content?: unknown; text?: unknown }).content ?? (message as { text?: unknown }).text;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return null;
  const texts = content.filter((b): b is { type: 'text'; text: string } => b?.type === 'text' && typeof b.text === 'string').map((b) => b.text);
  return texts.length ? texts.join('') : null;
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
