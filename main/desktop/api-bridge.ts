import { z } from 'zod';
import { routes, type RouteId, type RouteSpec } from '../contract/routes.ts';
import type { CallResult } from './ipc-contract.ts';

/** What a renderer may pass with a call: path params and query parameters (strings/numbers) and a JSON body. */
const CallInput = z
  .object({
    params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
    query: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
    body: z.unknown().optional(),
  })
  .strict();

const SESSION_COOKIE = /(?:^|[;,]\s*)(kiwi_session=[^;,\s]*)/;

export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body?: string }) => Promise<{
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}>;

const failure = (status: number, code: string, message: string): CallResult => ({ ok: false, status, error: { code, message } });

/** `/api/speakers/{speaker_id}` + `{speaker_id: 'spk_1'}` → `/api/speakers/spk_1` (each value percent-encoded). */
export function fillRoutePath(template: string, params: Record<string, string | number> | undefined): string | null {
  let missing = false;
  const filled = template.replace(/\{(\w+)\}/g, (_match, name: string) => {
    const value = params?.[name];
    if (value === undefined) missing = true;
    return encodeURIComponent(String(value));
  });
  return missing ? null : filled;
}

/**
 * The desktop window's REST calls, sent by the main process to Kiwi's own server on loopback:
 * the same routing, validation, scopes and errors as the browser dashboard, with nothing
 * re-implemented here. Like a browser, it keeps the session cookie that a sign-in sets (when
 * auth is on) and sends no Origin, so the Host/Origin guard treats it as a local client.
 */
export class ApiBridge {
  #session: string | null = null;

  constructor(
    private readonly baseUrl: () => string,
    private readonly fetchImpl: FetchLike = fetch as unknown as FetchLike,
  ) {}

  async call(routeId: unknown, rawInput?: unknown): Promise<CallResult> {
    if (typeof routeId !== 'string' || !Object.hasOwn(routes, routeId)) {
      return failure(404, 'unknown_route', `No route '${String(routeId)}' in Kiwi's API`);
    }
    const spec: RouteSpec = routes[routeId as RouteId];
    const input = CallInput.safeParse(rawInput ?? {});
    if (!input.success) return failure(400, 'invalid_request', 'A call takes {params, query, body}');
    const filled = fillRoutePath(spec.path, input.data.params);
    if (!filled) return failure(400, 'invalid_request', `Missing path parameters for ${spec.path}`);
    const query = new URLSearchParams(Object.entries(input.data.query ?? {}).map(([k, v]): [string, string] => [k, String(v)])).toString();
    const urlPath = query ? `${filled}?${query}` : filled;

    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#session) headers.cookie = this.#session;
    const body = input.data.body === undefined ? undefined : JSON.stringify(input.data.body);
    if (body !== undefined) headers['content-type'] = 'application/json';

    let res: Awaited<ReturnType<FetchLike>>;
    try {
      res = await this.fetchImpl(new URL(urlPath, this.baseUrl()).href, { method: spec.method.toUpperCase(), headers, body });
    } catch (err) {
      return failure(503, 'kiwi_unreachable', `Kiwi's server did not answer: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.#keepSession(res.headers.get('set-cookie'));
    const text = await res.text();
    let json: unknown;
    try {
      json = text === '' ? null : JSON.parse(text);
    } catch {
      return failure(502, 'bad_answer', `Kiwi answered ${res.status} with something that is not JSON`);
    }
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status, data: json };
    const error = (json as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    return failure(
      res.status,
      typeof error?.code === 'string' ? error.code : 'http_error',
      typeof error?.message === 'string' ? error.message : `HTTP ${res.status}`,
    );
  }

  /** Signed-in state lives here, in the main process: the page never sees the cookie. */
  #keepSession(setCookie: string | null): void {
    if (!setCookie) return;
    const match = SESSION_COOKIE.exec(setCookie);
    if (!match) return;
    const cleared = /max-age=0/i.test(setCookie) || match[1] === 'kiwi_session=';
    this.#session = cleared ? null : match[1]!;
  }

  get signedIn(): boolean {
    return this.#session !== null;
  }
}
