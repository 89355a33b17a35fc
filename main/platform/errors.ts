/**
 * Errors with a stable code and an HTTP status. Inside Kiwi they are thrown; at the edges
 * (API, CLI) they become `{ "error": { "code", "message" } }` or a message and an exit code.
 */
export class KiwiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'KiwiError';
  }
}

export const notFound = (what: string, id: string) => new KiwiError('not_found', `Unknown ${what} '${id}'`, 404);

export const conflict = (message: string) => new KiwiError('conflict', message, 409);

export const unavailable = (code: string, message: string) => new KiwiError(code, message, 503);

/** Text for logs and CLI output from anything thrown. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
