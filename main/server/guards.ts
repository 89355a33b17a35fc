/**
 * Pure checks against DNS rebinding (Host) and cross-site requests (Origin). A page on another
 * site can make a browser send requests to 127.0.0.1; these make sure Kiwi refuses them.
 */

export const DESKTOP_ORIGIN = 'app://kiwi';

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(?:\.\d{1,3}){3}$/.test(h);
}

export function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

/** Every `host:port` a legitimate client may put in the Host header. */
export function allowedHostHeaders(bindHost: string, port: number, extra: readonly string[]): Set<string> {
  const names = new Set(LOOPBACK_NAMES);
  if (!isWildcardHost(bindHost)) names.add(bindHost.includes(':') && !bindHost.startsWith('[') ? `[${bindHost}]` : bindHost);
  const allowed = new Set<string>();
  for (const name of names) allowed.add(`${name.toLowerCase()}:${port}`);
  for (const entry of extra) allowed.add((/:\d+$/.test(entry) ? entry : `${entry}:${port}`).toLowerCase());
  return allowed;
}

export function isAllowedHost(hostHeader: string | undefined, allowed: ReadonlySet<string>): boolean {
  return hostHeader !== undefined && allowed.has(hostHeader.toLowerCase());
}

/**
 * No Origin (curl, scripts, Home Assistant): allowed, auth decides. Otherwise only the dashboard's
 * own origin (served by this server under an allowed Host) or the desktop app's.
 */
export function isAllowedOrigin(origin: string | undefined, allowedHosts: ReadonlySet<string>): boolean {
  if (origin === undefined) return true;
  if (origin === DESKTOP_ORIGIN) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // "null" and other unparsable origins come from sandboxed or opaque contexts
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return allowedHosts.has(`${url.hostname.toLowerCase()}:${port}`);
}
