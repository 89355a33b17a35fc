/** Waits that double from `firstMs` up to `maxMs`, and start over after a success. */
export function backoff(firstMs: number, maxMs: number): { next(): number; reset(): void } {
  let delay = firstMs;
  return {
    next() {
      const wait = delay;
      delay = Math.min(delay * 2, maxMs);
      return wait;
    },
    reset() {
      delay = firstMs;
    },
  };
}

/**
 * Runs `attempt` until it succeeds, waiting longer after each failure (Kiwi restarting, not up
 * yet); `onFailure` says why meanwhile. Returns a function that stops trying.
 */
export function retryUntilDone(attempt: () => Promise<void>, onFailure: (err: unknown) => void, waits = backoff(500, 8000)): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = () => {
    attempt().then(
      () => undefined,
      (err: unknown) => {
        if (stopped) return;
        onFailure(err);
        timer = setTimeout(run, waits.next());
      },
    );
  };
  run();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
