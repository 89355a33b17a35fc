import { AuditQuery } from '../contract/api.ts';
import { parseOrThrow } from '../platform/validate.ts';
import type { SecurityService } from '../security/security-service.ts';
import { approvalView } from '../security/approval-view.ts';
import type { Grant } from './auth.ts';
import type { Handlers } from './handler-types.ts';

type ApprovalRoutes = 'listApprovals' | 'approveApproval' | 'denyApproval' | 'getAudit';

/**
 * Approvals and the audit log over HTTP. Approving needs the control scope: a control token can
 * already drive Kiwi fully (typed turns count as the owner, PATCH /api/config changes the policy),
 * so demanding admin here would only look stricter. What approvals guard against is voices, not
 * API tokens. The audit log holds everything people asked for: admin only.
 */
export function approvalHandlers(security: () => SecurityService): Pick<Handlers, ApprovalRoutes> {
  const who = (grant: Grant | null) => grant?.name ?? 'api';
  return {
    listApprovals: () => ({ approvals: security().approvals.pending().map(approvalView) }),
    approveApproval: async ({ params, grant }) => {
      const { approval, result } = await security().resolve(params.approval_id, 'approved', { channel: 'api', who: who(grant) });
      return { approval: approvalView(approval), result };
    },
    denyApproval: async ({ params, grant }) => {
      const { approval, result } = await security().resolve(params.approval_id, 'denied', { channel: 'api', who: who(grant) });
      return { approval: approvalView(approval), result };
    },
    getAudit: ({ ctx }) => {
      const query = parseOrThrow(AuditQuery, ctx.query, 'query');
      return security().auditPage(query.limit, query.before);
    },
  };
}
