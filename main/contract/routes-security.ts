import * as api from './api.ts';
import { route } from './route-spec.ts';

/** Approvals held for the owner and the audit log. */
export const securityRoutes = {
  listApprovals: route({
    method: 'get',
    path: '/api/approvals',
    scope: 'read',
    summary: "Requests held for the owner's approval (the same data APPROVAL_REQUESTED events carry)",
    response: api.ApprovalList,
    errors: [],
  }),
  approveApproval: route({
    method: 'post',
    path: '/api/approvals/{approval_id}/approve',
    scope: 'control',
    summary: 'Approve a held request: it runs now (Home Assistant, the LLM) and its answer is returned and spoken',
    params: api.ApprovalParams,
    response: api.ApprovalResolved,
    errors: [404, 409],
  }),
  denyApproval: route({
    method: 'post',
    path: '/api/approvals/{approval_id}/deny',
    scope: 'control',
    summary: 'Deny a held request: it never runs',
    params: api.ApprovalParams,
    response: api.ApprovalResolved,
    errors: [404, 409],
  }),
  getAudit: route({
    method: 'get',
    path: '/api/audit',
    scope: 'admin',
    summary: 'Security audit log, newest first: ?limit=1..200 (default 50) and ?before=<next_before of the previous page>',
    response: api.AuditPage,
    errors: [],
  }),
} as const;
