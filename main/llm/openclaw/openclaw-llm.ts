import { createHash, randomUUID } from 'node:crypto';
import type { Clock } from '../../platform/clock.ts';
import { untilAborted } from '../../platform/until-aborted.ts';
import { AsyncQueue } from '../async-queue.ts';
import { LlmError } from '../errors.ts';
import { DEFAULT_RESILIENCE, resilientStream } from '../resilient-stream.ts';
import { readConfig, type ChatMessage, type ChatOptions, type Llm, type LlmConfigSource } from '../types.ts';
import { parseApprovalRequest, parseApprovalResolved, type ApprovalCallbacks, type ExecApprovalDecision } from './approvals.ts';
import { GatewayDialer, type DialerOptions } from './gateway-dialer.ts';
import { GatewayRpcError, SERVICE, type GatewayConnection, type GatewayEvent } from './gateway-connection.ts';
import type { OpenClawPairing } from './pairing.ts';
import { RunText } from './run-text.ts';

export interface OpenClawOptions extends ApprovalCallbacks, DialerOptions {
  /** The gateway refused something Kiwi could do without (a soul's model): the answer comes anyway. */
  onNotice?: (message: string) => void;
  retries?: number;
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Times the backoff and the silence timeout (Kiwi's one clock; tests use a manual one). */
  clock?: Clock;
  /** The backoff's jitter source (tests fix it). */
  random?: () => number;
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
  readonly #dialer: GatewayDialer;
  readonly #runs = new Set<ActiveRun>();
  /** sessionKey → the system prompt the session was last given. */
  readonly #primed = new Map<string, string>();
  /** sessionKey → the model the session was switched to. */
  readonly #models = new Map<string, string>();

  constructor(
    private readonly config: LlmConfigSource,
    private readonly options: OpenClawOptions = {},
  ) {
    this.#dialer = new GatewayDialer(config, options, {
      onEvent: (event) => this.#onEvent(event),
      onClose: (connection, reason) => {
        for (const run of this.#runs) if (run.connection === connection) run.events.fail(reason);
      },
    });
  }

  /** Where Kiwi stands with the gateway: connected, waiting for the owner's approval, refused… */
  get pairing(): OpenClawPairing {
    return this.#dialer.pairing;
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
    const connection = await this.#dialer.connect(signal);
    await connection.request('exec.approval.resolve', { id, decision });
  }

  /** Start a conversation's gateway session afresh (Kiwi's "reset context"). */
  async resetSession(conversation?: string, signal?: AbortSignal): Promise<void> {
    const key = this.sessionKeyFor(conversation);
    const connection = await this.#dialer.connect(signal);
    await connection.request('sessions.reset', { key });
    this.#primed.delete(key);
    this.#models.delete(key);
  }

  /** Close the gateway connection (a later chat reconnects). */
  close(): void {
    this.#dialer.close();
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
    const connection = await this.#dialer.connect(signal);
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
      const ack = (await untilAborted(send, signal)) as { runId?: unknown } | undefined;
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
      await untilAborted(connection.request('sessions.patch', { key: turn.sessionKey, model: turn.model }), signal);
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

function chatError(payload: Record<string, unknown>): LlmError {
  const message = `${SERVICE} run failed: ${typeof payload.errorMessage === 'string' ? payload.errorMessage : 'no message'}`;
  switch (payload.errorKind) {
    case 'timeout':
      return new LlmError('llm_timeout', message);
    case 'rate_limit':
      // Not retried here: the gateway's agent already retried its model with its own backoff
      // before failing the run, and a chat.send with the same idempotency key only replays this
      // cached failure: retrying here would multiply the gateway's retries (and the user's wait).
      return new LlmError('llm_unreachable', message);
    default:
      return new LlmError('llm_bad_response', message);
  }
}
