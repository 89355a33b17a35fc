import { sleep, systemClock, type Clock } from '../platform/clock.ts';
import { LlmError } from './errors.ts';

export interface ResilienceOptions {
  /** The caller's signal: aborting it ends the stream at once with the signal's reason. */
  signal?: AbortSignal;
  /** Longest silence from the backend (nothing received) before llm_timeout. */
  timeoutMs: number;
  retries: number;
  backoffMs: number;
  maxBackoffMs: number;
  service: string;
  /** Times the silence timeout and the backoff (Kiwi's one clock; tests use a manual one). */
  clock?: Clock;
  /** 0 ≤ x < 1 for the jitter (Math.random; tests fix it). */
  random?: () => number;
}

/**
 * One attempt at a streamed answer. It gets a signal to pass to its I/O (aborted on the caller's
 * abort, on timeout and when the consumer stops early) and `alive()` to call whenever anything
 * arrives from the backend, so a slow but living stream never times out.
 */
export type Attempt = (signal: AbortSignal, alive: () => void) => AsyncIterable<string>;

export const DEFAULT_RESILIENCE = { retries: 2, backoffMs: 400, maxBackoffMs: 4000 } as const;

/** The retry knobs a client takes (each optional: the defaults above fill in). */
export type ResilienceKnobs = Partial<Pick<ResilienceOptions, 'retries' | 'backoffMs' | 'maxBackoffMs' | 'clock' | 'random'>>;

/** One request's options from a client's knobs: the defaults, then the knobs, then this request's own. */
export function resilienceFor(knobs: ResilienceKnobs, request: Pick<ResilienceOptions, 'signal' | 'timeoutMs' | 'service'>): ResilienceOptions {
  const { retries = DEFAULT_RESILIENCE.retries, backoffMs = DEFAULT_RESILIENCE.backoffMs, maxBackoffMs = DEFAULT_RESILIENCE.maxBackoffMs, clock, random } = knobs;
  return { retries, backoffMs, maxBackoffMs, clock, random, ...request };
}

/**
 * Runs at most 1 + `retries` attempts until one streams an answer: before retry n (1, 2, …) it waits
 * min(maxBackoffMs, backoffMs · 2^(n-1)) ±20 % (or the server's Retry-After), while the error is
 * retryable and no token was yielded yet (a half-spoken answer is never started again); enforces
 * the silence timeout (paused while the consumer holds a token, so slow speech is not a stall);
 * honours the caller's abort immediately, also during backoff.
 */
export async function* resilientStream(attempt: Attempt, options: ResilienceOptions): AsyncGenerator<string> {
  const { signal: outer, clock = systemClock } = options;
  outer?.throwIfAborted();
  const inner = new AbortController();
  const forwardAbort = () => inner.abort(outer?.reason);
  outer?.addEventListener('abort', forwardAbort, { once: true });
  let disarm = () => {};
  const arm = () => {
    disarm();
    disarm = clock.setTimer(() => {
      inner.abort(new LlmError('llm_timeout', `${options.service} sent nothing for ${Math.round(options.timeoutMs / 100) / 10} s`));
    }, options.timeoutMs);
  };
  try {
    let yielded = false;
    for (let tried = 0; ; tried++) {
      arm();
      try {
        for await (const token of attempt(inner.signal, arm)) {
          if (!token) continue;
          yielded = true;
          disarm();
          yield token;
          arm();
        }
        return;
      } catch (err) {
        const error = explain(err, inner.signal, outer);
        if (outer?.aborted || yielded || !(error instanceof LlmError) || !error.retryable || tried >= options.retries) throw error;
        // The server said when to come back, and it is later than a voice answer can wait: trying
        // sooner would only be refused again, after the user waited in silence for it.
        if (error.retryAfterMs !== undefined && error.retryAfterMs > longestWait(options)) throw error;
        disarm();
        await sleep(clock, backoff(tried, options, error.retryAfterMs), outer);
      }
    }
  } finally {
    disarm();
    outer?.removeEventListener('abort', forwardAbort);
    if (!inner.signal.aborted) inner.abort(new Error('stream closed')); // stop the request when the consumer leaves early
  }
}

/** What to throw: the caller's abort reason, our timeout, or the attempt's own error. */
function explain(err: unknown, inner: AbortSignal, outer: AbortSignal | undefined): unknown {
  if (outer?.aborted) return outer.reason;
  if (inner.aborted && inner.reason instanceof LlmError) return inner.reason;
  return err;
}

/** The longest a retry waits for a server's Retry-After: a voice answer cannot wait a minute. */
const longestWait = (options: ResilienceOptions) => options.maxBackoffMs * 2;

function backoff(tried: number, options: ResilienceOptions, retryAfterMs?: number): number {
  const exponential = Math.min(options.maxBackoffMs, options.backoffMs * 2 ** tried);
  const jittered = exponential * (0.8 + (options.random ?? Math.random)() * 0.4);
  // A server's Retry-After wins (one beyond longestWait is not retried at all).
  return retryAfterMs !== undefined ? Math.min(Math.max(retryAfterMs, jittered), longestWait(options)) : jittered;
}
