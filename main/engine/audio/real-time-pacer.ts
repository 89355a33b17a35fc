/**
 * Real-time discipline for audio inputs. A microphone produces audio at 1x; anything much faster
 * is a replayed file or a script, and without limits it queues minutes of work that keep Kiwi
 * busy (and answering) long after the sender left. So each source gets:
 *
 * - a speed budget: on average at most `maxSpeed` x real time, with a burst of `burstSeconds`
 *   (a token bucket counted in samples; network jitter and a stalled event loop fit in the burst);
 * - a bounded backlog: at most `backlogSeconds` of audio waiting for the listening session; when
 *   processing falls behind, the OLDEST queued audio is dropped (live audio matters, stale does not);
 * - cancellation: when a source ends, its queued audio is dropped at once.
 *
 * Frames over the speed budget are refused (the caller decides: /api/audio closes the socket,
 * other inputs just lose the frame). Time comes from an injected clock, so tests do not sleep.
 */
import { TokenBucket, type Now } from '../../platform/token-bucket.ts';


export const PACER_RATE = 16000;

export interface PacerLimits {
  maxSpeed: number;
  burstSeconds: number;
  backlogSeconds: number;
}

export const REAL_TIME_LIMITS: PacerLimits = { maxSpeed: 1.5, burstSeconds: 2, backlogSeconds: 2 };

/**
 * A token bucket over audio samples: `take` says whether a frame fits the source's speed budget.
 * Time the source was not heard from counts in its favour (a stalled event loop reads a live
 * microphone's queued frames at once); a sender that keeps ahead of the clock runs out.
 */
export class SpeedBudget extends TokenBucket {
  constructor(clock: Now, limits: Pick<PacerLimits, 'maxSpeed' | 'burstSeconds'> = REAL_TIME_LIMITS) {
    super(clock, limits.burstSeconds * PACER_RATE, limits.maxSpeed * PACER_RATE, true);
  }
}

export type DropReason = 'too_fast' | 'backlog';

export interface PacerHooks {
  /** Process one frame (ListeningSession.push); the next frame of the source waits for it. */
  feed(sourceId: string, samples: Float32Array): Promise<void>;
  /** Audio was dropped (reported at most once per `reportEveryMs` per source, with the total since). */
  dropped?(sourceId: string, reason: DropReason, droppedMs: number): void;
  /** A frame failed in processing; later frames still run. */
  failed?(sourceId: string, err: unknown): void;
}

interface SourceQueue {
  budget: SpeedBudget;
  frames: Float32Array[];
  queued: number;
  running: boolean;
  ended: boolean;
  drops: Record<DropReason, number>;
  reportedAt: number;
}

export type PushVerdict = 'queued' | 'too_fast';

/** Per-source queues in front of the listening sessions. */
export class RealTimePacer {
  readonly #sources = new Map<string, SourceQueue>();
  readonly #reportEveryMs = 1000;

  constructor(
    private readonly hooks: PacerHooks,
    private readonly clock: Now = { now: () => performance.now() },
    private readonly limits: PacerLimits = REAL_TIME_LIMITS,
  ) {}

  push(sourceId: string, samples: Float32Array): PushVerdict {
    const source = this.#source(sourceId);
    if (!source.budget.take(samples.length)) {
      this.#drop(sourceId, source, 'too_fast', samples.length);
      return 'too_fast';
    }
    source.frames.push(samples);
    source.queued += samples.length;
    const max = this.limits.backlogSeconds * PACER_RATE;
    while (source.queued > max && source.frames.length > 1) {
      const oldest = source.frames.shift()!;
      source.queued -= oldest.length;
      this.#drop(sourceId, source, 'backlog', oldest.length);
    }
    if (!source.running) void this.#drain(sourceId, source);
    return 'queued';
  }

  /** The source left: its queued audio is dropped now (a frame being processed finishes). */
  end(sourceId: string): void {
    const source = this.#sources.get(sourceId);
    if (!source) return;
    source.ended = true;
    source.frames = [];
    source.queued = 0;
    this.#sources.delete(sourceId);
  }

  /** Seconds of audio waiting, per source (for status and tests). */
  backlogSeconds(sourceId: string): number {
    return (this.#sources.get(sourceId)?.queued ?? 0) / PACER_RATE;
  }

  async #drain(sourceId: string, source: SourceQueue): Promise<void> {
    source.running = true;
    while (!source.ended && source.frames.length > 0) {
      const frame = source.frames.shift()!;
      source.queued -= frame.length;
      try {
        await this.hooks.feed(sourceId, frame);
      } catch (err) {
        this.hooks.failed?.(sourceId, err);
      }
    }
    source.running = false;
  }

  #drop(sourceId: string, source: SourceQueue, reason: DropReason, samples: number): void {
    source.drops[reason] += samples;
    const now = this.clock.now();
    if (now - source.reportedAt < this.#reportEveryMs) return;
    source.reportedAt = now;
    const total = source.drops[reason];
    source.drops[reason] = 0;
    this.hooks.dropped?.(sourceId, reason, Math.round((total / PACER_RATE) * 1000));
  }

  #source(sourceId: string): SourceQueue {
    let source = this.#sources.get(sourceId);
    if (!source) {
      source = {
        budget: new SpeedBudget(this.clock, this.limits),
        frames: [],
        queued: 0,
        running: false,
        ended: false,
        drops: { too_fast: 0, backlog: 0 },
        reportedAt: -Infinity,
      };
      this.#sources.set(sourceId, source);
    }
    return source;
  }
}
