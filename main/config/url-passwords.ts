import { KiwiError } from '../platform/errors.ts';

/** Config keys holding a URL that may carry a password (`mqtt://user:pw@host`): shown masked, like the other secrets. */
export const URL_KEYS = [
  ['llm', 'base_url'],
  ['homeassistant', 'url'],
  ['mqtt', 'url'],
  ['telegram', 'api_base_url'],
] as const;

const MASK = '********';
/** scheme://user:password@ — userinfo holds no '/' or '@' unencoded. */
const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/[^/@\s:]*:)([^/@\s]+)@/i;

/** The URL with its password masked (the rest as written), for GET /api/config and change events. */
export function maskUrlPassword(url: string): string {
  return url.replace(USERINFO, `$1${MASK}@`);
}

/**
 * A URL sent back as GET showed it (masked) means "unchanged": the stored one, password included.
 * A masked password with anything else changed cannot be completed, so it is refused.
 */
export function unmaskUrlPassword(key: string, sent: string, stored: string): string {
  if (USERINFO.exec(sent)?.[2] !== MASK) return sent;
  if (maskUrlPassword(stored) === sent) return stored;
  throw new KiwiError('invalid_request', `Invalid config patch: ${key} has a masked password (${MASK}): write the password to change the address`, 400);
}

type Groups = Record<string, Record<string, unknown> | undefined>;

/** Apply `change` to every URL key present in `config` (a config, a view or a patch), in place. */
export function eachUrl(config: unknown, change: (key: string, url: string, group: string, field: string) => string): void {
  const groups = config as Groups;
  for (const [group, field] of URL_KEYS) {
    const value = groups[group]?.[field];
    if (typeof value === 'string') groups[group]![field] = change(`${group}.${field}`, value, group, field);
  }
}
