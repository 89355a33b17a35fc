import type { EngineState } from '../../contract/events.ts';
import { KiwiError } from '../../platform/errors.ts';

/**
 * Kiwi's states and every allowed move between them, with the reason for each.
 * IDLE: not listening (turned off, or no audio input yet). LISTENING: waiting for the wake word
 * or a follow-up. PROCESSING: an utterance is being transcribed and identified. THINKING: the
 * LLM / Home Assistant / a command is working on the answer. SPEAKING: the answer is playing.
 */
export const TRANSITIONS: Readonly<Record<EngineState, Readonly<Partial<Record<EngineState, string>>>>> = {
  IDLE: {
    LISTENING: 'listening turned on',
    PROCESSING: 'a typed or API turn arrived',
    SPEAKING: 'speaking without listening (test phrase, alarm)',
  },
  LISTENING: {
    IDLE: 'listening turned off',
    PROCESSING: 'an utterance ended',
    SPEAKING: 'an announcement or test phrase',
  },
  PROCESSING: {
    IDLE: 'nothing to answer, not listening',
    LISTENING: 'nothing to answer (no wake word, blocked speaker, empty transcript)',
    THINKING: 'the request went to the LLM, Home Assistant or a command',
    SPEAKING: 'an immediate answer',
  },
  THINKING: {
    IDLE: 'cancelled or failed while not listening',
    LISTENING: 'cancelled or answered without speech',
    SPEAKING: 'the first answer audio is ready',
  },
  SPEAKING: {
    IDLE: 'playback finished or stopped, not listening',
    LISTENING: 'playback finished, stopped or interrupted',
    PROCESSING: 'barge-in: the user spoke over Kiwi',
    THINKING: 'more of a streamed answer is still being written',
  },
};

export interface StateChange {
  from: EngineState;
  to: EngineState;
  reason: string;
}

export class StateMachine {
  #state: EngineState;
  readonly #listeners = new Set<(change: StateChange) => void>();

  constructor(initial: EngineState = 'IDLE') {
    this.#state = initial;
  }

  get state(): EngineState {
    return this.#state;
  }

  canMove(to: EngineState): boolean {
    return to !== this.#state && TRANSITIONS[this.#state][to] !== undefined;
  }

  /** Move to `to`; an illegal move is a programming error and throws. A move to the current state does nothing. */
  moveTo(to: EngineState): void {
    if (to === this.#state) return;
    const reason = TRANSITIONS[this.#state][to];
    if (reason === undefined) {
      throw new KiwiError('illegal_transition', `No transition from ${this.#state} to ${to}`, 500);
    }
    const change: StateChange = { from: this.#state, to, reason };
    this.#state = to;
    for (const listener of this.#listeners) listener(change);
  }

  onChange(listener: (change: StateChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
