/** How long the browser's audio may take to start (a context resuming, a speaker switching, the worklet loading). */
export const AUDIO_START_MS = 5000;

/**
 * `promise`, or a rejection with `timeoutError()` once `ms` pass without it settling: some browser
 * audio promises can stay pending for ever (AudioContext.resume), which would leave the
 * microphone "Starting…" with nothing to say why.
 */
export function within<T>(promise: Promise<T>, ms: number, timeoutError: () => Error): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(timeoutError()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
