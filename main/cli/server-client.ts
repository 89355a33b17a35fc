import type { RunningServer } from '../app/server-registry.ts';
import { KiwiError } from '../platform/errors.ts';

/**
 * One request to a Kiwi server running on this models folder (KIWI_API_TOKEN when it needs a
 * token); its answer, or the KiwiError it answered with, named after the server.
 */
export async function askServer<T>(server: RunningServer, method: 'POST' | 'DELETE', apiPath: string, env: NodeJS.ProcessEnv, body?: unknown): Promise<T> {
  const token = env.KIWI_API_TOKEN;
  const res = await fetch(`${server.url}${apiPath}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  }).catch((err: unknown) => {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw new KiwiError(
      'server_unreachable',
      `a Kiwi server (pid ${server.pid}) uses this models folder but does not answer at ${server.url || '(no address noted)'} (${cause}); stop it and try again, or, if that process is not Kiwi, remove ${server.file}`,
      503,
    );
  });
  const answer = (await res.json().catch(() => null)) as (T & { error?: { code?: string; message?: string } }) | null;
  if (res.ok && answer) return answer;
  const { code = 'server_error', message = `HTTP ${res.status}` } = answer?.error ?? {};
  const hint = res.status === 401 || res.status === 403 ? '; set KIWI_API_TOKEN to an admin token of that server' : '';
  throw new KiwiError(code, `the Kiwi server at ${server.url} refused: ${message}${hint}`, res.status);
}
