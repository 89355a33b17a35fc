import type { Clock } from '../platform/clock.ts';
import { publicUrl } from '../platform/public-url.ts';
import { httpError, LlmError, networkError, parseRetryAfter } from './errors.ts';
import { SseParser, type SseEvent } from './sse.ts';

const MAX_ERROR_BODY = 8 * 1024;

/**
 * POST a JSON body and return the response once it is a success; anything else becomes an
 * LlmError (network failures and 429/5xx retryable, 401/403 unauthorized, other 4xx bad response).
 * `clock` dates a Retry-After given as an HTTP date (the wait is timed on that same clock).
 */
export async function postJson(
  fetchImpl: typeof fetch,
  service: string,
  url: string,
  headers: Record<string, string>,
  body: unknown,
  signal: AbortSignal,
  clock: Clock,
): Promise<Response> {
  let response: Response;
  try {
    response = await fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
      body: JSON.stringify(body),
      signal,
    });
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    throw networkError(service, err);
  }
  if (!response.ok) {
    // A server may quote the key it refused: what it said goes into errors and events, the key must not.
    const said = redactSecrets(errorText(await readCapped(response, signal)), headers);
    // A wrong base_url shows as a 404: say which address was asked (origin and path, never credentials).
    const detail = response.status === 404 ? `POST ${publicUrl(url)}${said ? `: ${said}` : ''}` : said;
    throw httpError(service, response.status, detail, parseRetryAfter(response.headers.get('retry-after'), clock.now()));
  }
  if (!response.body) throw new LlmError('llm_bad_response', `${service} answered without a body`);
  return response;
}

const SECRET_HEADERS = new Set(['authorization', 'x-api-key', 'api-key']);

/** `text` with the credentials sent in `headers` (a bearer token, an API key) masked. */
export function redactSecrets(text: string, headers: Record<string, string>): string {
  let out = text;
  for (const [name, value] of Object.entries(headers)) {
    if (!SECRET_HEADERS.has(name.toLowerCase())) continue;
    const secret = value.replace(/^(bearer|basic)\s+/i, '').trim();
    // Very short values are not keys, and masking them would garble the message.
    if (secret.length >= 8) out = out.split(secret).join('********');
  }
  return out;
}

/** The readable error message inside a JSON error body ({error:{message}} or {error:"..."}), else the body. */
function errorText(body: string): string {
  try {
    const json = JSON.parse(body) as { error?: unknown; message?: unknown };
    const error = json.error;
    if (typeof error === 'string') return error;
    if (error && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string') return (error as { message: string }).message;
    if (typeof json.message === 'string') return json.message;
  } catch {
    // not JSON: the raw text is the best description there is
  }
  return body;
}

async function readCapped(response: Response, signal: AbortSignal): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < MAX_ERROR_BODY) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    return text || `(the error body could not be read: ${(err as Error).message})`;
  } finally {
    reader.cancel().catch(() => undefined); // the rest of an error body is not needed; cancel errors are irrelevant here
  }
  return text.slice(0, MAX_ERROR_BODY);
}

/** The response body as server-sent events, calling `alive` on every chunk of bytes. */
export async function* sseEvents(response: Response, service: string, signal: AbortSignal, alive: () => void): AsyncGenerator<SseEvent> {
  const reader = response.body!.getReader();
  const parser = new SseParser();
  try {
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (err) {
        if (signal.aborted) throw signal.reason;
        throw networkError(service, err);
      }
      if (chunk.done) break;
      alive();
      yield* parser.push(chunk.value);
    }
    yield* parser.end();
  } finally {
    reader.cancel().catch(() => undefined); // ends the HTTP request when the consumer stops early; nothing to report
  }
}

/** Whole-body text (for servers that ignore `stream: true` and answer with one JSON document). */
export async function readAll(response: Response, service: string, signal: AbortSignal, alive: () => void): Promise<string> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    let chunk: Awaited<ReturnType<typeof reader.read>>;
    try {
      chunk = await reader.read();
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      throw networkError(service, err);
    }
    if (chunk.done) return text + decoder.decode();
    alive();
    text += decoder.decode(chunk.value, { stream: true });
    if (text.length > 4 << 20) throw new LlmError('llm_bad_response', `${service} sent more than 4 MB in one answer`);
  }
}

export function parseJson(service: string, data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    throw new LlmError('llm_bad_response', `${service} sent data that is not JSON: ${data.slice(0, 120)}`);
  }
}

/** `base` without trailing slashes, joined with `path`. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}
