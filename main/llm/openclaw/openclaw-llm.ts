import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../../platform/clock.ts';
import { untilAborted } from '../../platform/until-aborted.ts';
import { resilienceFor, resilientStream } from '../resilient-stream.ts';
import { readConfig, type ChatMessage, type ChatOptions, type Llm, type LlmConfigSource } from '../types.ts';
import { ActiveRuns } from './active-runs.ts';
import type { ApprovalCallbacks, ExecApprovalDecision } from './approvals.ts';
import { GatewayDialer, type DialerOptions } from './gateway-dialer.ts';
import { GatewayRpcError, SERVICE, type GatewayConnection } from './gateway-connection.ts';
import type { OpenClawPairing } from './pairing.ts';
import { streamRun, type Turn } from './run-stream.ts';
import { ownsSession, sessionKeyFor } from './session-keys.ts';

/** `clock` (from DialerOptions) also times the backoff and the silence timeout. */
export interface OpenClawOptions extends ApprovalCallbacks, DialerOptions {
  /** The gateway refused something Kiwi could do without (a soul's model): the answer comes anyway. */
  onNotice?: (message: string) => void;
  retries?: number;
  backoffMs?: number;
  maxBackoffMs?: number;
  /** The backoff's jitter source (tests fix it). */
  random?: () => number;
}

/**
 * The OpenClaw gateway as Kiwi's LLM: `chat.send` into a gateway session, the answer streamed back
 * as `chat` events (run-stream.ts). The gateway owns the conversation history and the model (its
 * agent decides), so only the newest user message is sent; the soul's system prompt is prefixed to
 * the first message of a session and again whenever it changes. Exec-approval requests from the
 * gateway are passed to `onApprovalRequest`; `resolveApproval` answers them.
 */
export class OpenClawLlm implements Llm {
  readonly name = 'openclaw';
  readonly #dialer: GatewayDialer;
  readonly #runs: ActiveRuns;
  readonly #clock: Clock;
  /** sessionKey → the system prompt the session was last given. */
  readonly #primed = new Map<string, string>();
  /** sessionKey → the model the session was switched to. */
  readonly #models = new Map<string, string>();

  constructor(
    private readonly config: LlmConfigSource,
    private readonly options: OpenClawOptions = {},
  ) {
    this.#clock = options.clock ?? systemClock;
    this.#runs = new ActiveRuns(options, this.#clock);
    this.#dialer = new GatewayDialer(config, { ...options, clock: this.#clock }, {
      onEvent: (event) => this.#runs.route(event),
      onClose: (connection, reason) => this.#runs.connectionClosed(connection, reason),
    });
  }

  /** Where Kiwi stands with the gateway: connected, waiting for the owner's approval, refused… */
  get pairing(): OpenClawPairing {
    return this.#dialer.pairing;
  }

  /** The gateway session for a Kiwi conversation (session-keys.ts). */
  sessionKeyFor(conversation?: string): string {
    return sessionKeyFor(readConfig(this.config).openclaw, conversation);
  }

  /** Whether a gateway session is one of Kiwi's: its exec approvals are Kiwi's to answer. */
  ownsSession(sessionKey: string): boolean {
    return ownsSession(readConfig(this.config).openclaw, sessionKey);
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
    return resilientStream(attempt, resilienceFor({ ...this.options, clock: this.#clock }, { signal: options.signal, timeoutMs, service: SERVICE }));
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
    const connection = await this.#dialer.connect(signal);
    alive();
    await this.#useModel(connection, turn, signal);
    yield* streamRun(this.#runs, connection, turn, signal, alive);
    // Only a session that got the whole answer has surely seen the prompt.
    if (system) this.#primed.set(turn.sessionKey, system);
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
}
