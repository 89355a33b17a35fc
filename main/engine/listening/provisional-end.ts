import type { Config } from '../../contract/config.ts';
import type { WakeDetection } from '../stages.ts';
import type { UtteranceSpan } from './endpointer.ts';
import { isStale, type EarlyGuess, type Listening } from './early-transcript.ts';
import type { Utterance } from './utterance.ts';

/**
 * voice.provisional_end: a complete command for Kiwi ends as soon as its early transcript is back,
 * while the VAD still holds the stretch and before the quiet a complete verdict waits for. The
 * endpointer is left to run as it would have: the utterance it ends later is either the same words
 * (dropped: already handed on) or the same words and more ("what time is it … in Tokyo"), which is
 * handed on joined to the provisional one. So the join window is exactly the wait the endpoint had
 * before: speech that would have joined still joins, speech that would have been a new utterance
 * still is one. A command that only says something answers at once; any other one carries
 * `settled` (TurnRequest), so it acts only once the endpoint confirmed its words.
 */
export function provisionalSpan(early: EarlyGuess, now: Listening, voice: Config['voice']): UtteranceSpan | null {
  if (!voice.provisional_end || !voice.smart_endpoint) return null;
  if (early.verdict !== 'complete' || early.sayOnly === undefined || early.controller.signal.aborted || isStale(early, now)) return null;
  return { start: early.start, end: early.end };
}

/** A provisional utterance handed on, while the endpoint it anticipated is still to come. */
export interface Pending extends UtteranceSpan {
  /** One past the last voiced sample when it ended: voice after this is the user going on. */
  voicedEnd: number;
  /** Where voice resumed after it (null: not yet). */
  resumedAt: number | null;
  wake: WakeDetection | null;
  /** Its handling (awaited by deterministic runs once the endpoint has settled it). */
  handled: Promise<void> | void;
  /** Resolves the utterance's `settled`: whether its words stand. */
  stand(stands: boolean): void;
}

/** What the endpoint made of a provisional utterance: the same words, or those words and more. */
export interface Settled {
  joined: boolean;
  pending: Pending;
  /** The utterance to hand on: the endpointer's, from the provisional start when joined. */
  span: UtteranceSpan;
}

/** The provisional utterance a session has handed on, until the endpointer's own end settles it. */
export class ProvisionalEnd {
  #pending: Pending | null = null;

  /** `awaitTurns`: deterministic runs wait for the provisional turn once it is settled (ListeningSession). */
  constructor(private readonly awaitTurns = false) {}

  get pending(): Readonly<Pending> | null {
    return this.#pending;
  }

  /**
   * Hands a provisional utterance on through `hook` and keeps it until it is settled; its turn runs
   * on meanwhile (a join may cancel it). One that `acts` (not say-only) carries `settled`: true once
   * its words stand, false when they do not (joined, or the source left).
   */
  handOn(utterance: Utterance, voicedEnd: number, acts: boolean, hook: (utterance: Utterance) => Promise<void> | void): void {
    const { start, end, wake } = utterance;
    const settled = new Promise<boolean>((stand) => (this.#pending = { start, end, wake, voicedEnd, resumedAt: null, handled: undefined, stand }));
    const pending = this.#pending!;
    pending.handled = hook({ ...utterance, provisional: true, ...(acts ? { settled } : {}) });
  }

  /**
   * Every frame: the voice's end now, where the frame began, and whether Kiwi is speaking. While it
   * speaks (the provisional reply, most likely) new voice may be its own echo: only a barge-in
   * (`resumed`) says the user went on, as it does for any speech over Kiwi.
   */
  heard(voicedEnd: number, frameStart: number, kiwiSpeaking: boolean): void {
    const p = this.#pending;
    if (p && !kiwiSpeaking && voicedEnd > p.voicedEnd) this.resumed(Math.max(p.voicedEnd, frameStart));
  }

  /** The user's voice is back at `at` (voice after the provisional end, or a barge-in). */
  resumed(at: number): void {
    const p = this.#pending;
    if (p && p.resumedAt === null) p.resumedAt = at;
  }

  /**
   * The endpointer ended `span` (or the stretch or the input ended without it: null): joined when
   * voice resumed inside it, else it was the provisional utterance's own audio and its words stand.
   * Null: nothing was pending.
   */
  settle(span: UtteranceSpan | null): Settled | null {
    const pending = this.#pending;
    if (!pending) return null;
    this.#pending = null;
    const joined = span !== null && pending.resumedAt !== null && pending.resumedAt < span.end;
    pending.stand(!joined);
    return { joined, pending, span: joined ? { start: Math.min(span.start, pending.start), end: span.end } : (span ?? pending) };
  }

  /** The source left: a pending utterance's words do not stand (its turn, if waiting for them, ends). */
  abandon(): void {
    this.#pending?.stand(false);
    this.#pending = null;
  }

  /** Deterministic runs wait for a provisional turn once the endpoint has settled it. */
  async handled(settled: Settled | null): Promise<void> {
    if (settled && this.awaitTurns) await settled.pending.handled;
  }
}
