/**
 * `work`'s result, or `signal`'s reason as soon as it aborts (at once if it already has): for
 * calls that cannot be cancelled, whose caller must not wait for them (the work itself still runs
 * to its end).
 */
export function untilAborted<T>(work: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
