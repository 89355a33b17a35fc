import type { Clock } from '../platform/clock.ts';

/** Turns begun after an approval question without one being answered (echo, noise): past this many, the question lapses. */
const MAX_TURNS_AFTER_QUESTION = 16;

/**
 * Kiwi's last spoken approval question ("I've asked Maria…, request number 1") on a voice turn,
 * and which later turn a bare "yes"/"no" answers it from: one begun after that turn ended (its
 * answer spoken), on the same source, within the follow-up window, with no answered turn in
 * between (turns ignored unanswered, such as Kiwi's own echo or speech without the wake word, do
 * not count).
 */
export class ApprovalQuestion {
  /** `endedAt`: when the asking turn ended (null while it still speaks). */
  #question: { approvalId: string; turnId: string; source: string; endedAt: number | null } | null = null;
  /** Turns begun since the question ended, and when (a few: more means the room moved on). */
  readonly #turnStarts = new Map<string, number>();

  constructor(private readonly clock: Clock) {}

  /** Kiwi is asking about `approvalId` in this turn; null (a typed turn, no voice): nothing to answer by voice. */
  asked(question: { approvalId: string; turnId: string; source: string } | null): void {
    this.#question = question ? { ...question, endedAt: null } : null;
    this.#turnStarts.clear();
  }

  turnStarted(turnId: string): void {
    if (!this.#question || this.#question.endedAt === null) return;
    if (this.#turnStarts.size >= MAX_TURNS_AFTER_QUESTION) this.#question = null;
    else this.#turnStarts.set(turnId, this.clock.now());
  }

  turnFinished(turnId: string, interrupted: boolean, ignored: boolean): void {
    const question = this.#question;
    if (!question) return;
    if (turnId === question.turnId) {
      if (interrupted) this.#question = null; // the question may not have been heard
      else question.endedAt = this.clock.now();
      this.#turnStarts.clear();
    } else if (!ignored) {
      this.#question = null; // someone was answered since: a "yes" now is about that
    } else {
      this.#turnStarts.delete(turnId);
    }
  }

  /** The approval a bare "yes"/"no" in this turn answers (used once), or null. */
  answeredBy(turn: { turnId: string | undefined; source: string }, windowMs: number): string | null {
    const question = this.#question;
    const startedAt = turn.turnId === undefined ? undefined : this.#turnStarts.get(turn.turnId);
    if (!question || question.endedAt === null || startedAt === undefined || turn.source !== question.source) return null;
    this.clear();
    return startedAt - question.endedAt <= windowMs ? question.approvalId : null;
  }

  clear(): void {
    this.#question = null;
    this.#turnStarts.clear();
  }
}
