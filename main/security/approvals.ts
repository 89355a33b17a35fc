import crypto from 'node:crypto';
import type { Role } from '../dialogue/commands/types.ts';
import type { IdentifiedSpeaker } from '../engine/listening/turn.ts';
import { KiwiError, conflict, notFound } from '../platform/errors.ts';
import type { RuleMatch } from './classifier.ts';
import type { Clock } from '../platform/clock.ts';
import type { Severity } from './severity.ts';

/**
 * What is needed to run a held turn again once it is approved (the abort signal is the new turn's).
 * An exec approval has one too, for listing and speaking: its text is the spoken description.
 */
export interface HeldRequest {
  text: string;
  language: string;
  speaker: IdentifiedSpeaker | null;
  source: string;
  role: Role;
}

/**
 * What an approval releases. `turn`: a Kiwi request held at the gate, run again once approved.
 * `exec`: a command line another system (OpenClaw's agent) wants to run; the owner's answer goes
 * back to that system and nothing runs in Kiwi.
 */
export type ApprovalKind = 'turn' | 'exec';

/** The command an `exec` approval is about, as the asking system described it. */
export interface ExecDetails {
  /** Who asks, as approvals show it ("OpenClaw"). */
  requester: string;
  /** The id the asking system knows this approval by (its answer is sent with it). */
  externalId: string;
  command: string;
  cwd: string | null;
  host: string | null;
  agentId: string | null;
  sessionKey: string | null;
}

export type ApprovalStatus = 'pending' | 'approved' | 'denied' | 'expired';
/** `openclaw`: answered at the OpenClaw gateway by another of its clients. */
export type ApprovalChannel = 'voice' | 'api' | 'telegram' | 'openclaw';

export interface Resolver {
  channel: ApprovalChannel;
  /** Who answered: a speaker id, an API grant name, a Telegram user id. */
  who: string;
}

export interface Approval {
  /** Opaque and unguessable: the API and Telegram address approvals by it. */
  id: string;
  /**
   * Small and speakable ("approve two"): the lowest number no other pending approval uses, nor one
   * that finished within the last answer window (so "approve three", said about a request that has
   * just expired, cannot land on a newer request that took its number).
   */
  number: number;
  status: ApprovalStatus;
  kind: ApprovalKind;
  /** For a turn, the held request; for an exec, who is asking and the description spoken and listed. */
  request: HeldRequest;
  /** Only for kind `exec`. */
  exec: ExecDetails | null;
  severity: Severity;
  rule: RuleMatch | null;
  createdAt: number;
  expiresAt: number;
  resolvedAt: number | null;
  resolvedBy: Resolver | null;
}

export interface ApprovalBookOptions {
  clock: Clock;
  timeoutMs: () => number;
  maxPending: () => number;
  /** Told when a pending approval runs out of time (its status is already 'expired'). */
  onExpired: (approval: Approval) => void;
}

/** How many resolved approvals are remembered, so a late answer gets "already expired" rather than "unknown". */
const RESOLVED_MEMORY = 100;

/** The shortest time a finished approval's number stays out of use, whatever the configured timeout. */
const MIN_NUMBER_QUIET_MS = 60_000;

export interface HoldOptions {
  /** Makes it an `exec` approval. */
  exec?: ExecDetails;
  /** Expire sooner than the configured timeout (the asking system has its own deadline). */
  timeoutMs?: number;
}

/** A turn asked again by the same voice is the same request; an exec is the same only under the same external id. */
const sameRequest = (a: Approval, request: HeldRequest, exec: ExecDetails | null) =>
  exec || a.exec
    ? a.exec?.externalId === exec?.externalId
    : a.request.text.trim().toLowerCase() === request.text.trim().toLowerCase() &&
      (a.request.speaker?.id ?? null) === (request.speaker?.id ?? null) &&
      a.request.source === request.source;

/**
 * Requests waiting for the owner: several at once, each with an id, a short number and a timer.
 * In memory only: a pending approval does not survive a restart (the requester's turn is long
 * gone by then); the audit log keeps what happened.
 */
export class ApprovalBook {
  readonly #pending = new Map<string, { approval: Approval; cancel: () => void }>();
  readonly #resolved = new Map<string, Approval>();

  constructor(private readonly options: ApprovalBookOptions) {}

  /**
   * Hold a request. Returns the existing approval (created false) when the same speaker already
   * asked the same thing; null when the book is full.
   */
  request(request: HeldRequest, severity: Severity, rule: RuleMatch | null, options: HoldOptions = {}): { approval: Approval; created: boolean } | null {
    const exec = options.exec ?? null;
    for (const { approval } of this.#pending.values()) {
      if (sameRequest(approval, request, exec)) return { approval, created: false };
    }
    if (this.#pending.size >= this.options.maxPending()) return null;
    const now = this.options.clock.now();
    const timeout = Math.max(0, Math.min(this.options.timeoutMs(), options.timeoutMs ?? Infinity));
    const approval: Approval = {
      id: `apr_${crypto.randomBytes(8).toString('hex')}`,
      number: this.#freeNumber(),
      status: 'pending',
      kind: exec ? 'exec' : 'turn',
      request,
      exec,
      severity,
      rule,
      createdAt: now,
      expiresAt: now + timeout,
      resolvedAt: null,
      resolvedBy: null,
    };
    const cancel = this.options.clock.setTimer(() => this.#expire(approval.id), timeout);
    this.#pending.set(approval.id, { approval, cancel });
    return { approval, created: true };
  }

  /** Pending approvals, by number. */
  pending(): Approval[] {
    return [...this.#pending.values()].map((p) => p.approval).sort((a, b) => a.number - b.number);
  }

  get(id: string): Approval | null {
    return this.#pending.get(id)?.approval ?? this.#resolved.get(id) ?? null;
  }

  byNumber(number: number): Approval | null {
    return this.pending().find((a) => a.number === number) ?? null;
  }

  /**
   * The approval that last had this number, if it finished so recently that its number is not yet
   * given out again: "approve three" after request three expired is told so, not "no such request".
   */
  recentlyFinished(number: number): Approval | null {
    return this.finishedInAnswerWindow().filter((a) => a.number === number).at(-1) ?? null;
  }

  /** Approvals finished within the answer window (their numbers not yet given out again). */
  finishedInAnswerWindow(): Approval[] {
    const since = this.options.clock.now() - this.#numberQuietMs();
    return [...this.#resolved.values()].filter((a) => (a.resolvedAt ?? 0) > since);
  }

  /** The pending exec approval the asking system knows by `externalId`. */
  pendingExec(externalId: string): Approval | null {
    return this.pending().find((a) => a.exec?.externalId === externalId) ?? null;
  }

  /** Approve or deny a pending request: 404 for an unknown id, 409 when it was already answered or expired. */
  resolve(id: string, status: 'approved' | 'denied', by: Resolver): Approval {
    const entry = this.#pending.get(id);
    if (!entry) {
      const done = this.#resolved.get(id);
      if (done) throw conflict(`Approval ${id} is already ${done.status}`);
      throw notFound('approval', id);
    }
    entry.cancel();
    return this.#finish(entry.approval, status, by);
  }

  /**
   * Withdraw the pending turn approvals a speaker asked for (the speaker was deleted or blocked):
   * denied with no one as the resolver, so none of them can run later as that person. Returns them.
   */
  withdrawSpeaker(speakerId: string): Approval[] {
    const theirs = this.pending().filter((a) => a.kind === 'turn' && a.request.speaker?.id === speakerId);
    for (const approval of theirs) {
      this.#pending.get(approval.id)!.cancel();
      this.#finish(approval, 'denied', null);
    }
    return theirs;
  }

  /** Forget every timer (process shutdown); pending approvals are dropped. */
  dispose(): void {
    for (const { cancel } of this.#pending.values()) cancel();
    this.#pending.clear();
  }

  #expire(id: string): void {
    const entry = this.#pending.get(id);
    if (!entry) return;
    const approval = this.#finish(entry.approval, 'expired', null);
    this.options.onExpired(approval);
  }

  #finish(approval: Approval, status: Exclude<ApprovalStatus, 'pending'>, by: Resolver | null): Approval {
    if (approval.status !== 'pending') throw new KiwiError('internal', `approval ${approval.id} finished twice`, 500);
    approval.status = status;
    approval.resolvedAt = this.options.clock.now();
    approval.resolvedBy = by;
    this.#pending.delete(approval.id);
    this.#resolved.set(approval.id, approval);
    if (this.#resolved.size > RESOLVED_MEMORY) this.#resolved.delete(this.#resolved.keys().next().value!);
    return approval;
  }

  /** How long a finished approval's number stays out of use: as long as an owner is given to answer one. */
  #numberQuietMs(): number {
    return Math.max(MIN_NUMBER_QUIET_MS, this.options.timeoutMs());
  }

  #freeNumber(): number {
    const since = this.options.clock.now() - this.#numberQuietMs();
    const used = new Set([...this.#pending.values()].map((p) => p.approval.number));
    for (const approval of this.#resolved.values()) if ((approval.resolvedAt ?? 0) > since) used.add(approval.number);
    let n = 1;
    while (used.has(n)) n++;
    return n;
  }
}
