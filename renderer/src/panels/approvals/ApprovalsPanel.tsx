import { useEffect, useRef, useState } from 'react';
import type { Answer } from '../../client/kiwi-client.ts';
import { useClient } from '../../client/client-context.ts';
import { useCan, useDashboard } from '../../store/dashboard.ts';
import { InlineError, Panel } from '../../ui/Panel.tsx';
import { useAction } from '../../ui/use-action.ts';
import { formatLeft, spokenLeft, useNow } from '../timers/countdown.ts';
import './approvals.css';

type Approval = Answer<'listApprovals'>['approvals'][number];
type Resolved = Answer<'approveApproval'>;

/** Who asked: the recognised voice and its role, or an unknown voice. */
const asker = (a: Approval) => `${a.speaker ? a.speaker.name : 'An unknown voice'} (${a.role}${a.source === 'text' ? ', typed' : `, ${a.source}`})`;

/** "Bob's request 3: unlock the front door": the buttons' names say which request they decide (every card has the same buttons). */
const requestName = (a: Pick<Approval, 'speaker' | 'number' | 'text'>) =>
  a.speaker ? `${a.speaker.name}'s request ${a.number}: ${a.text}` : `request ${a.number} from an unknown voice: ${a.text}`;

/** What happened to the last request decided here, in a sentence. */
function outcomeText(r: Resolved): string {
  if (r.approval.status === 'denied') return `Denied #${r.approval.number}: “${r.approval.text}” will not run.`;
  const reply = r.result?.reply ? ` Kiwi answered: “${r.result.reply}”` : '';
  return `Approved #${r.approval.number}: “${r.approval.text}” ran.${reply}`;
}

function ApprovalCard({ approval, now, onResolved }: { approval: Approval; now: number; onResolved(r: Resolved): void }) {
  const client = useClient();
  const canControl = useCan('control');
  const { busy, error, run } = useAction();
  const params = { approval_id: approval.id };
  const left = Date.parse(approval.expires_at) - now;
  const decide = (route: 'approveApproval' | 'denyApproval') => void run(async () => onResolved(await client.call(route, { params })));
  return (
    <li className={`card approval sev-${approval.severity}`} data-testid={`approval-${approval.id}`} aria-label={`Request ${approval.number}: ${approval.text}`}>
      <div className="card-title">
        <strong>#{approval.number}</strong>
        <span className={`badge sev sev-${approval.severity}`}>{approval.severity}</span>
        <span className="muted small">{asker(approval)}</span>
      </div>
      <p className="approval-text">“{approval.text}”</p>
      {approval.rule && (
        <p className="muted small">
          Why: {approval.rule.rule} (matched “{approval.rule.matched}”, {approval.rule.source})
        </p>
      )}
      <p className="muted small" role="timer" aria-label={`expires in ${spokenLeft(left)}`}>
        {left > 0 ? `expires in ${formatLeft(left)}` : 'expiring…'}
      </p>
      <div className="row">
        <button type="button" className="primary" disabled={busy || !canControl} onClick={() => decide('approveApproval')} aria-label={`Approve ${requestName(approval)}`}>
          Approve
        </button>
        <button type="button" className="danger" disabled={busy || !canControl} onClick={() => decide('denyApproval')} aria-label={`Deny ${requestName(approval)}`}>
          Deny
        </button>
      </div>
      <InlineError error={error} />
    </li>
  );
}

/**
 * Requests the voice security gate held for the owner: approve (it runs now and its answer is
 * spoken) or deny (it never runs). The list follows APPROVAL_REQUESTED and APPROVAL_RESOLVED, so
 * one decided by voice or Telegram leaves the page at once.
 */
export function ApprovalsPanel() {
  const approvals = useDashboard((s) => s.data.approvals?.approvals);
  const canControl = useCan('control');
  const now = useNow(1000);
  const [last, setLast] = useState<Resolved | null>(null);
  const pending = approvals?.filter((a) => a.status === 'pending') ?? [];
  // The decided card (and the button pressed) goes: the focus moves to the sentence saying what happened,
  // so a keyboard user is not sent back to the top of the page and the next Tab reaches the next request.
  const outcome = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (last) outcome.current?.focus();
  }, [last]);

  return (
    <Panel id="approvals" title="Approvals">
      {!canControl && <p className="muted">Approving or denying needs the control scope.</p>}
      {last && (
        <p className="approval-outcome" role="status" data-testid="approval-outcome" ref={outcome} tabIndex={-1}>
          {outcomeText(last)}
        </p>
      )}
      {!approvals && <p className="muted">Loading…</p>}
      {approvals && pending.length === 0 && <p className="muted">Nothing waits for your approval.</p>}
      <ul className="cards" aria-label="Requests waiting for approval">
        {pending.map((a) => (
          <ApprovalCard key={a.id} approval={a} now={now} onResolved={setLast} />
        ))}
      </ul>
    </Panel>
  );
}

/** On the overview: a line that says requests are waiting, linking to the Approvals view. */
export function ApprovalsNotice() {
  const count = useDashboard((s) => s.data.approvals?.approvals.filter((a) => a.status === 'pending').length ?? 0);
  if (count === 0) return null;
  return (
    <p className="banner approvals-notice" data-testid="approvals-notice">
      {count === 1 ? '1 request waits' : `${count} requests wait`} for your approval. <a href="#/approvals">Review</a>
    </p>
  );
}
