import type { TurnRequest } from '../engine/listening/turn.ts';
import type { Approval, ApprovalStatus } from './approvals.ts';

/** How an approval's end gets back: to the system that asked, to the room, or as the held turn run again. */

/** Carries an exec approval's outcome back to the system that asked (approved, denied or expired). */
export type ExecAnswer = (outcome: Exclude<ApprovalStatus, 'pending'>, approval: Approval) => Promise<void>;

export interface Resolution {
  approval: Approval;
  /** What the held request answered when it ran (approved), or null (denied). */
  result: { command: string | null; reply: string | null } | null;
}

/**
 * Whether Kiwi tells the room how an approval ended. A held turn's requester waits for it; an
 * exec's outcome reaches the room through the answer that was waiting for it.
 */
export const speaksOutcome = (approval: Approval) => approval.kind === 'turn';

/** The held request as a turn to run again, under the signal of whoever answered it. */
export function heldTurn(approval: Approval, signal: AbortSignal): TurnRequest {
  const { text, language, speaker, source } = approval.request;
  return { text, language, speaker, source, signal };
}

/** A reply's sentences as one line, for the API's answer and the room. */
export async function collect(sentences: AsyncIterable<string> | Iterable<string>): Promise<string> {
  const out: string[] = [];
  for await (const sentence of sentences) out.push(sentence.trim());
  return out.filter(Boolean).join(' ');
}
