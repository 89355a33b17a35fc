import { TYPED_SOURCE, roleOf } from '../dialogue/commands/permissions.ts';
import type { PartialHandler } from '../dialogue/router.ts';
import type { TurnAnswer, TurnRequest } from '../engine/listening/turn.ts';
import { KiwiError } from '../platform/errors.ts';
import { matchApprovalIntent, matchBareAnswer, type ApprovalIntent } from './approval-intent.ts';
import type { Approval, ApprovalBook, Resolver } from './approvals.ts';
import { securityReply, type SecurityReplyKey } from './locale.ts';

export interface VoiceApprovalDeps {
  approvals: Pick<ApprovalBook, 'pending' | 'byNumber' | 'recentlyFinished' | 'finishedInAnswerWindow'>;
  /** Resolve and, when approved, run the held request inside this turn (its answer is spoken here). */
  resolveInline: (id: string, status: 'approved' | 'denied', by: Resolver, turn: TurnRequest) => Promise<TurnAnswer | null>;
  /**
   * The approval this turn is the reply to, when Kiwi has just asked about it (the very next turn,
   * from where it asked, begun within the follow-up window after the question); null otherwise.
   */
  askedAbout: (turn: TurnRequest) => string | null;
}

/** "Which one?" with more waiting than this names only the ASK_LIST_NEXT that expire first. */
const ASK_LIST_MAX = 5;
const ASK_LIST_NEXT = 3;

/** What the owner said: a phrase ("approve number two"), or a bare yes/no to the request Kiwi just asked about (`asked`). */
interface Intent {
  kind: ApprovalIntent['kind'];
  number: number | null;
  position?: ApprovalIntent['position'];
  asked: string | null;
}

/**
 * The owner answering by voice: "approve", "deny", "approve number two", "deny all". Only a
 * recognised owner voice may answer. A typed turn counts as the owner elsewhere, but not here:
 * approving from the API has its own route, and a spoken approval must be a voice Kiwi knows.
 * Nothing is matched while no approval is pending, so "approve" in conversation stays conversation.
 * A bare "yes" / "no" is an answer only as the owner's reply to Kiwi's question about one request
 * (askedAbout), and only for that request; anywhere else it goes on as ordinary speech.
 */
export function createVoiceApprovals(deps: VoiceApprovalDeps): PartialHandler {
  /**
   * "yes" / "no" alone answers only the owner's voice replying to Kiwi's question about one request,
   * and only that request; anywhere else (an LLM's question, a guest, later on) it is conversation.
   */
  const bareAnswer = (request: TurnRequest, pending: Approval[]): Intent | null => {
    const said = matchBareAnswer(request.text, request.language);
    if (!said || !request.speaker || roleOf(request) !== 'owner') return null;
    const asked = deps.askedAbout(request);
    if (!asked || !pending.some((a) => a.id === asked)) return null;
    return { kind: said === 'yes' ? 'approve' : 'deny', number: null, asked };
  };

  return async (request) => {
    const pending = deps.approvals.pending();
    if (pending.length === 0) return null;
    const spoken = matchApprovalIntent(request.text, request.language);
    const intent: Intent | null = spoken ? { kind: spoken.kind, number: spoken.number, position: spoken.position, asked: null } : bareAnswer(request, pending);
    if (!intent) return null;
    const say = (key: SecurityReplyKey, values: Record<string, string | number> = {}) => securityReply(request.language, key, values);
    const answer = (reply: Iterable<string> | AsyncIterable<string> | null): TurnAnswer => ({ command: 'approval', reply });

    const role = roleOf(request);
    if (role === 'blocked') return answer(null);
    // A typed "approve" (dashboard, POST /api/chat) is told where typed answers go, not that its voice is wrong.
    if (!request.speaker && request.source === TYPED_SOURCE) return answer([say('typed_answer')]);
    if (!request.speaker || role !== 'owner') return answer([say('owner_only')]);
    const by: Resolver = { channel: 'voice', who: request.speaker.id };

    if (intent.kind === 'deny_all') {
      let count = 0;
      for (const approval of pending) if (await settle(() => deps.resolveInline(approval.id, 'denied', by, request))) count++;
      return answer([say('denied_all', { count })]);
    }
    const target =
      intent.asked !== null
        ? (pending.find((a) => a.id === intent.asked) ?? null)
        : intent.number !== null
          ? deps.approvals.byNumber(intent.number)
          : intent.position !== undefined
            ? byPosition(intent.position, pending, deps.approvals.finishedInAnswerWindow())
            : pending.length === 1
            ? pending[0]!
            : null;
    if (!target) {
      if (intent.number !== null) {
        const gone = deps.approvals.recentlyFinished(intent.number);
        return answer([say(gone?.status === 'expired' ? 'expired' : 'no_such_request', { n: intent.number })]);
      }
      // A long list is said briefly: how many, and the ones that expire next (the owner can still name any by number).
      const many = pending.length > ASK_LIST_MAX;
      const named = many ? [...pending].sort((a, b) => a.expiresAt - b.expiresAt).slice(0, ASK_LIST_NEXT) : pending;
      const list = named.map((a) => say('request_item', { n: a.number, text: a.request.text })).join('; ');
      return answer([say(many ? 'which_one_many' : 'which_one', { count: pending.length, list })]);
    }
    if (intent.kind === 'deny') {
      if (!(await settle(() => deps.resolveInline(target.id, 'denied', by, request)))) return answer([say('no_such_request', { n: target.number })]);
      return answer([say('denied', { n: target.number })]);
    }
    let resumed: TurnAnswer | null = null;
    const done = await settle(async () => {
      resumed = await deps.resolveInline(target.id, 'approved', by, request);
    });
    if (!done) return answer([say('no_such_request', { n: target.number })]);
    return answer(prepend(say('approved'), (resumed as TurnAnswer | null)?.reply ?? null));
  };
}

/**
 * "The second one", "the last one", counted in the list as Kiwi reads it (by number), only where it
 * cannot mean another request than the one the owner heard in that place: the list must be in the
 * order the requests came (none took a freed lower number since), "the second" must also be number 2
 * (with 2 and 5 waiting it could be either; a request finished within the answer window leaves such a
 * gap, as its number is not given out again), and "the last" must not have had a later one finish
 * within that window. Otherwise null, and Kiwi asks again with the numbers.
 */
function byPosition(position: number | 'last', pending: Approval[], finished: Approval[]): Approval | null {
  if (pending.some((a, i) => i > 0 && a.createdAt < pending[i - 1]!.createdAt)) return null;
  if (position === 'last') {
    const last = pending.at(-1);
    return last && !finished.some((a) => a.number > last.number) ? last : null;
  }
  const target = pending[position - 1];
  return target?.number === position ? target : null;
}

/** Run a resolution; false when the approval ended meanwhile (expired or answered elsewhere: 404/409). */
async function settle(fn: () => Promise<unknown>): Promise<boolean> {
  try {
    await fn();
    return true;
  } catch (err) {
    if (err instanceof KiwiError && (err.status === 404 || err.status === 409)) return false;
    throw err;
  }
}

async function* prepend(first: string, rest: AsyncIterable<string> | Iterable<string> | null): AsyncIterable<string> {
  yield first;
  if (rest) yield* rest;
}
