import type { Config } from '../../contract/config.ts';
import type { WakeDetection } from '../stages.ts';
import type { UtteranceSpan } from './endpointer.ts';
import { isStale, type EarlyGuess, type Listening } from './early-transcript.ts';

/**
 * voice.provisional_end: a complete command that only says something (the time, the date…) ends
 * as soon as its early transcript is back, while the VAD still holds the stretch and before the
 * quiet a complete verdict waits for. The endpointer is left to run as it would have: the
 * utterance it ends later is either the same words (dropped: already handed on) or the same
 * words and more ("what time is it … in Tokyo"), which is handed on joined to the provisional
 * one. So the join window is exactly the wait the endpoint had before: speech that would have
 * joined still joins, speech that would have been a new utterance still is one.
 */
export function provisionalSpan(early: EarlyGuess, now: Listening, voice: Config['voice']): UtteranceSpan | null {
  if (!voice.provisional_end || !voice.smart_endpoint) return null;
  if (early.verdict !== 'complete' || !early.sayOnly || early.controller.signal.aborted || isStale(early, now)) return null;
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
}

/** What the endpoint made of a provisional utterance: the same words, or those words and more. */
export interface Settled {
  joined: boolean;
  pending: Pending;
}

/** The provisional utterance a session has handed on, until the endpointer's own end settles it. */
export class ProvisionalEnd {
  #pending: Pending | null = null;

  get pending(): Readonly<Pending> | null {
    return this.#pending;
  }

  began(pending: Omit<Pending, 'resumedAt'>): void {
    this.#pending = { ...pending, resumedAt: null };
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
   * The endpointer ended `span` (or the input ended: null): joined when voice resumed inside it,
   * else it was the provisional utterance's own audio. Null: nothing was pending.
   */
  settle(span: UtteranceSpan | null): Settled | null {
    const pending = this.#pending;
    if (!pending) return null;
    this.#pending = null;
    const joined = span !== null && pending.resumedAt !== null && pending.resumedAt < span.end;
    return { joined, pending };
  }
}
