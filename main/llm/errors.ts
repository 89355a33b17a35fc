import { KiwiError } from '../platform/errors.ts';

/** The error codes an LLM client throws; the turn turns each into a spoken, localized sentence. */
export type LlmErrorCode = 'llm_unreachable' | 'llm_unauthorized' | 'llm_bad_response' | 'llm_timeout';

const STATUS: Record<LlmErrorCode, number> = {
  llm_unreachable: 503,
  llm_unauthorized: 502,
  llm_bad_response: 502,
  llm_timeout: 504,
};

/**
 * A failed LLM request. `retryable` says whether trying again may help (connect errors, 429, 5xx);
 * the clients only retry before the first token, so a half-spoken answer is never repeated.
 */
export class LlmError extends KiwiError {
  constructor(
    override readonly code: LlmErrorCode,
    message: string,
    readonly retryable = false,
    /** The server's Retry-After, when it sent one. */
    readonly retryAfterMs?: number,
  ) {
    super(code, message, STATUS[code]);
    this.name = 'LlmError';
  }
}

const MAX_DETAIL = 300;

/** A short, single-line excerpt of what a server said, for error messages and logs. */
export function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_DETAIL ? `${flat.slice(0, MAX_DETAIL)}…` : flat;
}

/** Map an HTTP error status to an LlmError; `detail` is what the body said. */
export function httpError(service: string, status: number, detail: string, retryAfterMs?: number): LlmError {
  const said = detail ? `: ${excerpt(detail)}` : '';
  if (status === 401 || status === 403) return new LlmError('llm_unauthorized', `${service} refused the credentials (HTTP ${status})${said}`);
  if (status === 408) return new LlmError('llm_timeout', `${service} timed out (HTTP 408)${said}`, true, retryAfterMs);
  if (status === 429) return new LlmError('llm_unreachable', `${service} is rate limiting requests (HTTP 429)${said}`, true, retryAfterMs);
  if (status >= 500) return new LlmError('llm_unreachable', `${service} failed (HTTP ${status})${said}`, true, retryAfterMs);
  return new LlmError('llm_bad_response', `${service} rejected the request (HTTP ${status})${said}`);
}

const CONNECT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_CLOSED']);

/** A network-level failure (fetch's "fetch failed" with a cause, a socket error) as llm_unreachable. */
export function networkError(service: string, err: unknown): LlmError {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? (err as { code?: string }).code;
  const reason = code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
  return new LlmError('llm_unreachable', `cannot reach ${service} (${reason})`, code === undefined || CONNECT_CODES.has(code));
}

/** Retry-After (seconds or an HTTP date, counted from `now`: Kiwi's clock) in ms, if present and sensible. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
