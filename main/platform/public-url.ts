/**
 * A URL as Kiwi may show it (in /api/status, errors, events, logs): scheme, host, port and path,
 * never user info, query or fragment (a query can carry a key: `?token=`, `?api_key=`). One rule
 * for every scheme: `URL.origin` is "null" for mqtt: and other non-web schemes, so it is not used.
 * Text Node cannot parse as a URL is cut the same way, by its shape.
 */
export function publicUrl(url: string): string {
  if (URL.canParse(url)) {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    parsed.search = '';
    parsed.hash = '';
    return parsed.toString().replace(/\/$/, '');
  }
  // Up to the last @ before any query: a password may hold '/' or '@' itself.
  return url.replace(/[?#].*$/s, '').replace(/^([^:/?#]*:\/\/)[^?#]*@/, '$1');
}
