/** One part whose download failed: what it is for (in words) and the error the server gave. */
export interface FailedPart {
  purpose: string;
  error: string;
}

/**
 * The one line a screen reader hears once "Download all" is over with failures, instead of one
 * alert per part (each part's row still shows its own error). One shared error (offline: the same
 * for all) is said once, after the parts it stopped; else each part with its own.
 */
export function downloadFailures(failed: FailedPart[]): string | null {
  if (failed.length === 0) return null;
  if (failed.length === 1) return `The ${failed[0]!.purpose} download failed: ${failed[0]!.error}`;
  const head = `${failed.length} downloads failed`;
  const errors = new Set(failed.map((f) => f.error));
  if (errors.size === 1) return `${head} (${failed.map((f) => f.purpose).join(', ')}): ${failed[0]!.error}`;
  return `${head}: ${failed.map((f) => `${f.purpose}: ${f.error}`).join('; ')}`;
}
