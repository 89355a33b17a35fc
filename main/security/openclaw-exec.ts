import type { ApprovalCallbacks, ExecApprovalDecision, ExecApprovalRequest, ExecApprovalResolved } from '../llm/openclaw/approvals.ts';
import { OpenClawLlm } from '../llm/openclaw/openclaw-llm.ts';
import type { Llm } from '../llm/types.ts';
import { describeError, unavailable } from '../platform/errors.ts';
import type { ExecDetails } from './approvals.ts';
import type { SecurityService } from './security-service.ts';

export interface OpenClawExecDeps {
  security: () => Pick<SecurityService, 'holdExec' | 'closeExec'>;
  /** The LLM client in use now: after an engine rebuild the new client answers at the same gateway. */
  llm: () => Llm | undefined;
  /** Wall-clock time, for the gateway's deadlines (they are epoch milliseconds). */
  now?: () => number;
  /** An answer that could not be sent when nobody waits for it (the book was full). */
  onError: (message: string) => void;
}

/** Kiwi's approval ends this long before the gateway's deadline, so the answer arrives in time. */
export const GATEWAY_DEADLINE_MARGIN_MS = 2000;

export const OPENCLAW_REQUESTER = 'OpenClaw';

/**
 * OpenClaw's exec-approval requests as Kiwi approvals: the owner answers them by voice, on the
 * dashboard or in Telegram like any other; approved → `allow-once`, denied or expired → `deny`.
 * Only one-off permission is given: "allow always" would outlive the owner's single answer.
 * When another client of the gateway answers first, Kiwi's approval closes as answered there.
 */
export function openClawExecApprovals(deps: OpenClawExecDeps): Required<ApprovalCallbacks> {
  const now = deps.now ?? Date.now;

  const send = async (id: string, decision: ExecApprovalDecision): Promise<void> => {
    const llm = deps.llm();
    if (!(llm instanceof OpenClawLlm)) throw unavailable('openclaw_unavailable', `llm.provider is no longer openclaw: OpenClaw approval ${id} cannot be answered`);
    await llm.resolveApproval(id, decision);
  };

  return {
    onApprovalRequest(request: ExecApprovalRequest) {
      // A request without a session cannot be told apart; OpenClawLlm counts it as Kiwi's too.
      // Approvals for other clients' sessions are theirs to answer.
      const llm = deps.llm();
      if (request.sessionKey && !(llm instanceof OpenClawLlm && llm.ownsSession(request.sessionKey))) return;
      const exec: ExecDetails = {
        requester: OPENCLAW_REQUESTER,
        externalId: request.id,
        command: request.command,
        cwd: request.cwd,
        host: request.host,
        agentId: request.agentId,
        sessionKey: request.sessionKey,
      };
      const timeoutMs = request.expiresAtMs === null ? undefined : request.expiresAtMs - now() - GATEWAY_DEADLINE_MARGIN_MS;
      const held = deps.security().holdExec({
        exec,
        timeoutMs,
        answer: (outcome) => send(request.id, outcome === 'approved' ? 'allow-once' : 'deny'),
      });
      // Too many approvals wait: refused, like a held turn would be (audited as refused).
      if (!held) send(request.id, 'deny').catch((err: unknown) => deps.onError(`denying OpenClaw approval ${request.id} failed: ${describeError(err)}`));
    },

    onApprovalResolved(resolved: ExecApprovalResolved) {
      const status = resolved.decision.startsWith('allow') ? 'approved' : 'denied';
      deps.security().closeExec(resolved.id, status, { channel: 'openclaw', who: resolved.resolvedBy ?? 'gateway' });
    },
  };
}
