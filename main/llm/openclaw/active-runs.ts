import type { Clock } from '../../platform/clock.ts';
import { AsyncQueue } from '../async-queue.ts';
import { parseApprovalRequest, parseApprovalResolved, type ApprovalCallbacks } from './approvals.ts';
import type { GatewayConnection, GatewayEvent } from './gateway-connection.ts';

/** One chat run in flight: what the gateway said about it, queued for the turn that reads it. */
export interface ActiveRun {
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
 * The runs in flight and the gateway's events routed to them: chat and agent events to the run of
 * their session, exec approvals to the callbacks (and, while one is pending, a keepalive for the
 * runs it holds up). Timed on Kiwi's clock.
 */
export class ActiveRuns {
  readonly #runs = new Set<ActiveRun>();
  /** Approval id → cancels its expiry timer. */
  readonly #expiries = new Map<string, () => void>();
  /** Run → stops its keepalive. */
  readonly #keepalives = new Map<ActiveRun, () => void>();

  constructor(
    private readonly callbacks: ApprovalCallbacks,
    private readonly clock: Clock,
  ) {}

  /** A run starts: it gets the gateway's events for its session from now on. */
  open(connection: GatewayConnection, sessionKey: string, idempotencyKey: string, alive: () => void, timeoutMs: number): ActiveRun {
    const run: ActiveRun = { connection, lifecycle: false, ended: false, silent: false, parts: new Set(), sessionKey, runIds: new Set([idempotencyKey]), acked: false, events: new AsyncQueue(), alive, approvals: new Set() };
    this.#runs.add(run);
    const every = Math.max(20, Math.min(APPROVAL_KEEPALIVE_MS, timeoutMs / 4));
    this.#keepalives.set(run, repeat(this.clock, every, () => run.approvals.size > 0 && run.alive()));
    return run;
  }

  close(run: ActiveRun): void {
    this.#keepalives.get(run)?.();
    this.#keepalives.delete(run);
    this.#runs.delete(run);
  }

  /** A connection closed: its runs fail with the reason. */
  connectionClosed(connection: GatewayConnection, reason: Error): void {
    for (const run of this.#runs) if (run.connection === connection) run.events.fail(reason);
  }

  route({ event, payload }: GatewayEvent): void {
    if (event === 'chat' || event === 'agent') {
      const sessionKey = payload.sessionKey;
      const runId = typeof payload.runId === 'string' ? payload.runId : null;
      for (const run of this.#runs) {
        if (sessionKey !== run.sessionKey) continue;
        if (run.acked && runId && !run.runIds.has(runId)) continue; // another client's run in the same session
        if (event === 'chat') run.events.push(payload);
        else onAgentEvent(run, payload);
      }
    } else if (event === 'exec.approval.requested') {
      const request = parseApprovalRequest(payload, this.clock.now());
      if (!request) return;
      for (const run of this.#runs) if (!request.sessionKey || request.sessionKey === run.sessionKey) run.approvals.add(request.id);
      if (request.expiresAtMs) {
        this.#expiries.get(request.id)?.();
        this.#expiries.set(request.id, this.clock.setTimer(() => this.#settle(request.id), request.expiresAtMs - this.clock.now()));
      }
      this.callbacks.onApprovalRequest?.(request);
    } else if (event === 'exec.approval.resolved') {
      const resolved = parseApprovalResolved(payload);
      if (!resolved) return;
      this.#settle(resolved.id);
      this.callbacks.onApprovalResolved?.(resolved);
    }
  }

  /** An approval was decided or expired: the runs it held up count their silence again. */
  #settle(approvalId: string): void {
    this.#expiries.get(approvalId)?.();
    this.#expiries.delete(approvalId);
    for (const run of this.#runs) {
      if (run.approvals.delete(approvalId)) run.alive();
    }
  }
}

/** Agent activity: tool and status events keep the run alive; lifecycle and preamble items shape it. */
function onAgentEvent(run: ActiveRun, payload: Record<string, unknown>): void {
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

/** `fn` every `ms` on `clock` until the returned function stops it. */
function repeat(clock: Clock, ms: number, fn: () => void): () => void {
  let cancel = clock.setTimer(function tick() {
    fn();
    cancel = clock.setTimer(tick, ms);
  }, ms);
  return () => cancel();
}
