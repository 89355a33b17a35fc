import { z } from 'zod';
import { SpeakerRole } from './api-speakers.ts';

/** Voice security (main/security): approvals held for the owner and the audit log of every decision. */
export const Severity = z.enum(['safe', 'warning', 'dangerous', 'critical']);
export const ApprovalId = z.string().regex(/^apr_[0-9a-f]{16}$/, 'an approval id looks like apr_0123456789abcdef');
export const ApprovalParams = z.object({ approval_id: ApprovalId });
export const SecurityRule = z
  .object({
    rule: z.string(),
    severity: Severity,
    source: z.string().describe("the language whose pattern matched, or 'universal'"),
    pattern: z.string(),
    matched: z.string().describe('the words that matched'),
  })
  .describe('why the request got its severity');
export const Approval = z.object({
  id: ApprovalId,
  number: z.number().int().describe('short number to say aloud ("approve two"), unique among pending approvals'),
  status: z.enum(['pending', 'approved', 'denied', 'expired']),
  text: z.string().describe('what was asked'),
  language: z.string(),
  speaker: z.object({ id: z.string(), name: z.string() }).nullable().describe('null: an unknown voice'),
  role: SpeakerRole,
  source: z.string(),
  severity: Severity,
  rule: SecurityRule.nullable(),
  created_at: z.string(),
  expires_at: z.string(),
  resolved_at: z.string().nullable(),
  resolved_by: z
    .object({ channel: z.enum(['voice', 'api', 'telegram', 'openclaw']).describe('openclaw: answered at the OpenClaw gateway by another client'), who: z.string() })
    .nullable(),
  kind: z.enum(['turn', 'exec']).describe('turn: a held Kiwi request, run once approved; exec: a command OpenClaw wants to run, answered at its gateway'),
  exec: z
    .object({
      requester: z.string().describe('who asks, e.g. OpenClaw'),
      command: z.string(),
      cwd: z.string().nullable(),
      host: z.string().nullable(),
      agent_id: z.string().nullable(),
      session_key: z.string().nullable(),
    })
    .nullable()
    .describe('kind exec: the command line and where it would run; `text` is its spoken description'),
});
export const ApprovalList = z.object({ approvals: z.array(Approval) });
export const ApprovalResolved = z.object({
  approval: Approval,
  result: z
    .object({ command: z.string().nullable(), reply: z.string().nullable() })
    .nullable()
    .describe('approved: what the held request answered when it ran (also spoken); denied, or any exec approval: null'),
});
export const AuditOutcome = z.enum(['allow', 'approve', 'refuse', 'approved', 'denied', 'expired']);
export const AuditEntry = z.object({
  seq: z.number().int(),
  time: z.string().describe('ISO-8601 UTC'),
  outcome: AuditOutcome.describe('the gate decided allow/approve/refuse; approvals end approved/denied/expired'),
  speaker_id: z.string().nullable(),
  speaker_name: z.string().nullable(),
  role: z.string(),
  source: z.string(),
  text: z.string(),
  language: z.string(),
  severity: Severity,
  rule: z.string().nullable(),
  approval_id: z.string().nullable(),
  resolved_by: z.string().nullable().describe('channel:who, e.g. telegram:123456 or voice:spk_001'),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
export const AuditQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    before: z.coerce.number().int().min(1).optional().describe("the previous page's next_before"),
  })
  .strict();
export const AuditPage = z.object({ entries: z.array(AuditEntry).describe('newest first'), next_before: z.number().int().nullable() });
