import { routes, type RouteId, type RouteSpec } from '../../../main/contract/routes.ts';
import { openAudioSocket } from './audio-socket.ts';
import { subscribeEvents } from './event-socket.ts';
import { KiwiApiError, type Answer, type CallInput, type KiwiClient } from './kiwi-client.ts';

/** `/api/speakers/{speaker_id}` with `{speaker_id: 'spk_001'}` → `/api/speakers/spk_001` */
export function fillPath(path: string, params: Record<string, unknown> | undefined): string {
  return path.replace(/\{(\w+)\}/g, (_match, name: string) => {
    const value = params?.[name];
    if (value === undefined) throw new Error(`missing path parameter ${name} for ${path}`);
    return encodeURIComponent(String(value));
  });
}

/** `?limit=20` from `{limit: 20}` (undefined values left out); '' without any. */
export function queryString(query: Record<string, unknown> | undefined): string {
  const pairs = Object.entries(query ?? {}).filter(([, v]) => v !== undefined);
  return pairs.length ? `?${new URLSearchParams(pairs.map(([k, v]) => [k, String(v)])).toString()}` : '';
}

async function readError(res: Response): Promise<KiwiApiError> {
  const text = await res.text();
  try {
    const error = (JSON.parse(text) as { error?: { code?: string; message?: string } }).error;
    return new KiwiApiError(error?.code ?? 'http_error', error?.message ?? `HTTP ${res.status}`, res.status);
  } catch {
    return new KiwiApiError('http_error', `HTTP ${res.status}: ${text.slice(0, 200)}`, res.status);
  }
}

/**
 * After the event stream could not connect: whether that was because this browser's session is
 * no longer valid (auth on, no scopes: Kiwi restarted, or the session was ended elsewhere) rather
 * than Kiwi being down. A failed check (Kiwi down) is not a lost session.
 */
export async function sessionLost(askScopes: () => Promise<{ auth_enabled: boolean; scopes: readonly string[] }>): Promise<boolean> {
  try {
    const answer = await askScopes();
    return answer.auth_enabled && answer.scopes.length === 0;
  } catch {
    return false; // Kiwi is not answering: the socket keeps retrying, the header says so
  }
}

/**
 * fetch failed before any answer (Kiwi stopped, restarting, the network gone): the browser's own
 * words ("Failed to fetch", "NetworkError when attempting…") say nothing to a person, so say what it means.
 */
export function unreachable(err: unknown): KiwiApiError {
  const why = err instanceof Error ? err.message : String(err);
  return new KiwiApiError('kiwi_unreachable', `Kiwi is not answering: it may be stopped or restarting (${why})`, 0);
}

/** The dashboard served by `kiwi serve`: same-origin REST (the session cookie rides along) and WebSockets. */
export function createHttpClient(onUnauthorized?: () => void): KiwiClient {
  const client: KiwiClient = {
    async call<K extends RouteId>(id: K, input?: CallInput<K>): Promise<Answer<K>> {
      const spec: RouteSpec = routes[id];
      const body = input?.body;
      const url = fillPath(spec.path, input?.params as Record<string, unknown> | undefined) + queryString(input?.query as Record<string, unknown> | undefined);
      const res = await fetch(url, {
        method: spec.method.toUpperCase(),
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'same-origin',
      }).catch((err: unknown) => {
        throw unreachable(err);
      });
      if (!res.ok) {
        const error = await readError(res);
        if (res.status === 401 && !spec.public) onUnauthorized?.();
        throw error;
      }
      return (await res.json()) as Answer<K>;
    },
    onEvent: (listener, onConnection) =>
      subscribeEvents(wsUrl('/api/events'), listener, onConnection, () => {
        void sessionLost(() => client.call('authScopes')).then((lost) => lost && onUnauthorized?.());
      }),
    openAudio: (sampleRate, handlers) => openAudioSocket(wsUrl('/api/audio'), sampleRate, handlers),
  };
  return client;
}

function wsUrl(path: string): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}${path}`;
}
