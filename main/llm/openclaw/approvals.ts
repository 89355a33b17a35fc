/**
 * Exec approvals as the OpenClaw gateway broadcasts them: `exec.approval.requested`
 * `{id, request:{command, cwd, host, security, ask, agentId, resolvedPath, sessionKey}, createdAtMs, expiresAtMs}`
 * and `exec.approval.resolved` `{id, decision, resolvedBy, ts}`. An operator answers with
 * `exec.approval.resolve {id, decision}` (needs the operator.approvals scope).
 */
export type ExecApprovalDecision = 'allow-once' | 'allow-always' | 'deny';

export interface ExecApprovalRequest {
  id: string;
  /** The command line the agent wants to run, as the gateway shows it. */
  command: string;
  cwd: string | null;
  host: string | null;
  agentId: string | null;
  /** The OpenClaw session that asked; Kiwi's sessions are `agent:<agent>:kiwi-…`. */
  sessionKey: string | null;
  createdAtMs: number;
  expiresAtMs: number | null;
}

export interface ExecApprovalResolved {
  id: string;
  decision: string;
  resolvedBy: string | null;
}

export interface ApprovalCallbacks {
  /** An exec approval was requested (for any session; compare `sessionKey` to filter). */
  onApprovalRequest?: (request: ExecApprovalRequest) => void;
  /** An approval was decided, by Kiwi or by another operator client. */
  onApprovalResolved?: (resolved: ExecApprovalResolved) => void;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

/** `now` (Kiwi's clock) dates a request the gateway sent without createdAtMs. */
export function parseApprovalRequest(payload: Record<string, unknown>, now: number): ExecApprovalRequest | null {
  const id = str(payload.id);
  const request = (payload.request ?? {}) as Record<string, unknown>;
  const argv = Array.isArray(request.commandArgv) ? request.commandArgv.filter((a): a is string => typeof a === 'string') : [];
  const plan = (request.systemRunPlan ?? {}) as Record<string, unknown>;
  const command = str(request.command) ?? (argv.length ? argv.join(' ') : null) ?? str(plan.commandText);
  if (!id || !command) return null;
  return {
    id,
    command,
    cwd: str(request.cwd),
    host: str(request.host),
    agentId: str(request.agentId),
    sessionKey: str(request.sessionKey),
    createdAtMs: typeof payload.createdAtMs === 'number' ? payload.createdAtMs : now,
    expiresAtMs: typeof payload.expiresAtMs === 'number' ? payload.expiresAtMs : null,
  };
}

export function parseApprovalResolved(payload: Record<string, unknown>): ExecApprovalResolved | null {
  const id = str(payload.id);
  if (!id) return null;
  return { id, decision: str(payload.decision) ?? 'unknown', resolvedBy: str(payload.resolvedBy) };
}
