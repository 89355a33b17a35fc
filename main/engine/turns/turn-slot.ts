import type { EngineState } from '../../contract/events.ts';
import { KiwiError } from '../../platform/errors.ts';
import type { StateMachine } from '../dialogue/state-machine.ts';
import type { TurnRun } from './turn-run.ts';

/**
 * The engine's one running turn: a new one cancels the one before it (`superseded`), stop and
 * barge-in cancel it, and when it ends the engine rests (LISTENING or IDLE) unless a newer turn
 * owns the state already.
 */
export class TurnSlot {
  #turn: AbortController | null = null;
  /** The run the current turn belongs to (BARGE_IN names it). */
  #run: TurnRun | null = null;
  #idleWaiters: Array<() => void> = [];
  #closed = false;

  constructor(
    private readonly machine: StateMachine,
    /** Where the engine rests between turns. */
    private readonly resting: () => EngineState,
  ) {}

  /** Cancels the running turn; `run` runs now, in `state`. */
  begin(state: EngineState, run: TurnRun): AbortController {
    this.#turn?.abort(new KiwiError('superseded', 'A newer turn started'));
    const turn = new AbortController();
    this.#turn = turn;
    this.#run = run;
    // A turn that replaces one still thinking is thinking at once (THINKING has no way back to PROCESSING).
    // Every other start is in the table: an illegal move is a bug and throws.
    if (!(state === 'PROCESSING' && this.machine.state === 'THINKING')) this.machine.moveTo(state);
    return turn;
  }

  /** The turn is over (unless a newer one owns the state already). */
  end(turn: AbortController): void {
    if (this.#turn !== turn) return; // a newer turn owns the state now
    this.#turn = null;
    this.#run = null;
    for (const resolve of this.#idleWaiters.splice(0)) resolve();
    if (!this.#closed) this.machine.moveTo(this.resting());
  }

  /** The running turn's run id, if one runs. */
  get runId(): string | undefined {
    return this.#run?.id;
  }

  /** Whether something is running (a turn that cancel() would end). */
  get busy(): boolean {
    return this.#turn !== null;
  }

  /** Ends the running turn with `reason` (stop, barge-in); with nothing running it does nothing. */
  cancel(reason: KiwiError): void {
    this.#turn?.abort(reason);
  }

  /** Resolves when no turn is running. */
  idle(): Promise<void> {
    if (!this.#turn) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** The engine is going away: the running turn ends with `reason`, waiters are let go, the state stays. */
  close(reason: KiwiError): void {
    this.#closed = true;
    this.#turn?.abort(reason);
    for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }
}
