import { randomBytes } from 'node:crypto';
import type { EventData, TurnKind, TurnStage, TypedEnvelope } from '../../contract/events.ts';
import type { Clock } from '../../platform/clock.ts';
import { describeError, KiwiError } from '../../platform/errors.ts';
import type { EventBus } from '../events/event-bus.ts';

/** What a turn needs around it. */
export interface TurnDeps {
  bus: EventBus;
  clock: Pick<Clock, 'now'>;
}

/**
 * One run of Kiwi (an utterance, a typed chat, an announcement), like a Home Assistant assist
 * pipeline run: an id, TURN_STARTED, per-stage STAGE_STARTED / STAGE_FINISHED (with a coded error
 * when a stage fails) and, from the caller, TURN_FINISHED. Its timings are read back from the
 * STAGE_FINISHED events it emitted, so what the dashboard shows and what TURN_FINISHED says agree.
 */
export class TurnRun {
  readonly id = `turn_${randomBytes(6).toString('hex')}`;
  readonly #open = new Map<string, number>();
  readonly #ended: Array<TypedEnvelope<'STAGE_FINISHED'>> = [];
  /** When the turn's clock starts: for a voice turn the end of speech, else when it began. */
  #origin: number;

  constructor(
    private readonly deps: TurnDeps,
    readonly kind: TurnKind,
    readonly source: string,
  ) {
    this.#origin = deps.clock.now();
    deps.bus.emit('TURN_STARTED', { turn_id: this.id, kind, source }, 'engine');
  }

  /** Count this turn's timings from `at` (clock ms), e.g. when the end of speech was decided. */
  countFrom(at: number): void {
    this.#origin = at;
  }

  start(stage: TurnStage): void {
    this.#open.set(stage, this.deps.clock.now());
    this.deps.bus.emit('STAGE_STARTED', { turn_id: this.id, stage }, 'engine');
  }

  /** Whether `stage` was started and has not ended. */
  isOpen(stage: TurnStage): boolean {
    return this.#open.has(stage);
  }

  /** End a stage; one never started counts from the turn's origin. */
  end(stage: TurnStage, error?: unknown): void {
    this.endAt(stage, this.deps.clock.now(), error);
  }

  /** A stage that ended at `now` (clock ms), before the turn could say so (e.g. the endpoint, decided while listening). */
  endAt(stage: TurnStage, now: number, error?: unknown): void {
    const began = this.#open.get(stage) ?? this.#origin;
    this.#open.delete(stage);
    const data: EventData<'STAGE_FINISHED'> = { turn_id: this.id, stage, ms: Math.round(now - began), at_ms: Math.round(now - this.#origin) };
    if (error !== undefined) data.error = { code: error instanceof KiwiError ? error.code : `${stage}_failed`, message: describeError(error) };
    this.#ended.push(this.deps.bus.emit('STAGE_FINISHED', data, 'engine'));
  }

  /** Runs `work` as `stage`: started, then ended with its error if it throws. */
  async stage<T>(stage: TurnStage, work: () => Promise<T>): Promise<T> {
    this.start(stage);
    try {
      const result = await work();
      this.end(stage);
      return result;
    } catch (err) {
      this.end(stage, err);
      throw err;
    }
  }

  /** Stage → ms from the origin to its end, from the STAGE_FINISHED events of this turn (failed stages left out). */
  timings(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const { data } of this.#ended) if (!data.error) out[data.stage] = data.at_ms;
    return out;
  }
}

/** What `speak` and `chat` hand back: the turn's id at once, and its outcome when it is over. */
export interface TurnHandle<T> {
  id: string;
  done: Promise<T>;
}
