/**
 * How `promise` stands once the current turn of the event loop is over (its microtasks run, no
 * timer or I/O yet): "at once" made exact, where a stopwatch would depend on the machine's load.
 */
export function settledBeforeNextTurn(promise: Promise<unknown>): Promise<{ resolved: unknown } | { rejected: { name: string; message: string } } | 'pending'> {
  const outcome = promise.then(
    (value) => ({ resolved: value }),
    (err: unknown) => ({ rejected: err instanceof Error ? { name: err.name, message: err.message } : { name: typeof err, message: String(err) } }),
  );
  return Promise.race([outcome, new Promise<'pending'>((resolve) => setImmediate(() => resolve('pending')))]);
}
