import path from 'node:path';
import { APP_HOST, APP_SCHEME } from './ipc-contract.ts';
import { DESKTOP_CSP } from './window-options.ts';
import { CONTENT_TYPES } from '../platform/content-types.ts';

/**
 * The `app://kiwi/...` scheme that serves the built renderer (dist/renderer) to Kiwi's windows:
 * a standard, secure origin of its own instead of file:// (which would share one origin with
 * every local file). This module decides which file a URL names; the shell reads and serves it.
 */
export const APP_SCHEME_PRIVILEGES = {
  standard: true,
  secure: true,
  supportFetchAPI: true,
  // Vite's module scripts carry crossorigin: same-origin CORS fetches must work (no other origin gets
  // anything: answers carry no Access-Control-Allow-Origin).
  corsEnabled: true,
  stream: false,
  bypassCSP: false,
} as const;

export type AssetLookup = { ok: true; file: string; contentType: string } | { ok: false; status: 400 | 404; reason: string };

/** The file under `root` that an app:// URL names, or why there is none. Never a path outside `root`. */
export function resolveAppAsset(requestUrl: string, root: string): AssetLookup {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return { ok: false, status: 400, reason: 'not a URL' };
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return { ok: false, status: 404, reason: `not an ${APP_SCHEME}://${APP_HOST} URL` };
  let relative: string;
  try {
    relative = decodeURIComponent(url.pathname);
  } catch {
    return { ok: false, status: 400, reason: 'bad percent-encoding' };
  }
  if (relative.includes('\0') || relative.includes('\\')) return { ok: false, status: 400, reason: 'bad character in path' };
  if (relative === '/' || relative === '') relative = '/desktop.html';
  const base = path.resolve(root);
  const file = path.resolve(base, `.${relative}`);
  if (!file.startsWith(base + path.sep)) return { ok: false, status: 404, reason: 'outside the app' };
  const contentType = CONTENT_TYPES[path.extname(file).toLowerCase()];
  // Only the kinds of file a built renderer has: a stray file of another kind is not served.
  if (!contentType) return { ok: false, status: 404, reason: `no ${path.extname(file) || 'extensionless'} files here` };
  return { ok: true, file, contentType };
}

/** Headers on every app:// answer: the strict CSP, no sniffing, no caching of stale builds. */
export function appResponseHeaders(contentType: string): Record<string, string> {
  return {
    'Content-Type': contentType,
    'Content-Security-Policy': DESKTOP_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  };
}

export interface AppAnswer {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array | string;
}

/** The whole answer to one app:// request: the file with the strict headers, or a plain error. */
export async function answerAppRequest(requestUrl: string, root: string, readFile: (file: string) => Promise<Uint8Array>): Promise<AppAnswer> {
  const found = resolveAppAsset(requestUrl, root);
  const plain = (status: number, text: string): AppAnswer => ({ status, headers: { ...appResponseHeaders('text/plain; charset=utf-8') }, body: text });
  if (!found.ok) return plain(found.status, found.reason);
  try {
    return { status: 200, headers: appResponseHeaders(found.contentType), body: await readFile(found.file) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return plain(404, 'not found');
    throw err;
  }
}
