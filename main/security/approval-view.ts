import type { z } from 'zod';
import type { Approval as ApiApproval } from '../contract/api.ts';
import type { Role } from '../dialogue/commands/types.ts';
import type { TurnRequest } from '../engine/listening/turn.ts';
import type { Approval, ExecDetails, Resolver } from './approvals.ts';
import type { NewAuditEntry } from './audit.ts';
import type { Classification } from './classifier.ts';

const iso = (ms: number) => new Date(ms).toISOString();

/** An approval as the API and events show it. */
export function approvalView(approval: Approval): z.input<typeof ApiApproval> {
  const { request } = approval;
  return {
    id: approval.id,
    number: approval.number,
    status: approval.status,
    text: request.text,
    language: request.language,
    speaker: request.speaker ? { id: request.speaker.id, name: request.speaker.name } : null,
    role: request.role,
    source: request.source,
    severity: approval.severity,
    rule: approval.rule,
    created_at: iso(approval.createdAt),
    expires_at: iso(approval.expiresAt),
    resolved_at: approval.resolvedAt === null ? null : iso(approval.resolvedAt),
    resolved_by: approval.resolvedBy,
    kind: approval.kind,
    exec: approval.exec ? execView(approval.exec) : null,
  };
}

const execView = ({ requester, command, cwd, host, agentId, sessionKey }: ExecDetails) => ({ requester, command, cwd, host, agent_id: agentId, session_key: sessionKey });

export const resolverText = (by: Resolver | null) => (by ? `${by.channel}:${by.who}` : null);

/** The audit row for a gate decision. */
export function decisionEntry(
  request: Pick<TurnRequest, 'text' | 'language' | 'speaker' | 'source'>,
  role: Role,
  classification: Classification,
  outcome: 'allow' | 'approve' | 'refuse',
  approvalId: string | null = null,
): NewAuditEntry {
  return {
    outcome,
    speaker_id: request.speaker?.id ?? null,
    speaker_name: request.speaker?.name ?? null,
    role,
    source: request.source,
    text: request.text,
    language: request.language,
    severity: classification.severity,
    rule: classification.rule?.rule ?? null,
    approval_id: approvalId,
    resolved_by: null,
  };
}

/** The audit row for how an approval ended (approved, denied, expired). */
export function resolutionEntry(approval: Approval): NewAuditEntry {
  const { request } = approval;
  if (approval.status === 'pending') throw new Error(`approval ${approval.id} is still pending`);
  return {
    outcome: approval.status,
    speaker_id: request.speaker?.id ?? null,
    speaker_name: request.speaker?.name ?? null,
    role: request.role,
    source: request.source,
    text: request.text,
    language: request.language,
    severity: approval.severity,
    rule: approval.rule?.rule ?? null,
    approval_id: approval.id,
    resolved_by: resolverText(approval.resolvedBy),
  };
}
