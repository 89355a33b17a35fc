import type { Config } from '../contract/config.ts';
import { maskUrlPassword } from '../config/url-passwords.ts';
import { KiwiError } from '../platform/errors.ts';
import { satisfies, type Grant } from './auth.ts';

/**
 * Where each stored secret is sent. Changing the place is as good as reading the secret (point
 * llm.base_url at your own server, ask a question, read the Authorization header), and secrets
 * are admin's: the API never returns them.
 */
const DESTINATIONS = [
  { secret: ['llm', 'api_key'], keys: [['llm', 'base_url'], ['llm', 'provider']] },
  { secret: ['homeassistant', 'token'], keys: [['homeassistant', 'url']] },
  { secret: ['telegram', 'bot_token'], keys: [['telegram', 'api_base_url']] },
  { secret: ['mqtt', 'password'], keys: [['mqtt', 'url'], ['mqtt', 'username']] },
] as const;

type Groups = Record<string, Record<string, unknown> | undefined>;

/** The same place: equal, or a URL sent back as GET /api/config shows it (its password masked). */
const same = (asked: unknown, now: unknown) => asked === now || (typeof now === 'string' && asked === maskUrlPassword(now));

/**
 * The keys of `patch` that would send a secret already stored to another place: a key it changes
 * while the secret is set and the patch does not bring a secret of its own.
 */
export function redirectingKeys(patch: unknown, current: Config): string[] {
  const asked = (patch ?? {}) as Groups;
  const now = current as unknown as Groups;
  return DESTINATIONS.flatMap(({ secret: [group, secret], keys }) => {
    if (!now[group]?.[secret] || asked[group]?.[secret] !== undefined) return [];
    return keys.filter(([g, key]) => asked[g]?.[key] !== undefined && !same(asked[g]?.[key], now[g]?.[key])).map(([g, key]) => `${g}.${key}`);
  });
}

/** A PATCH that redirects a stored secret needs the admin scope (or a new secret with it). */
export function checkSecretDestinations(patch: unknown, current: Config, grant: Grant | null): void {
  if (grant && satisfies(grant.scopes, 'admin')) return;
  const keys = redirectingKeys(patch, current);
  if (keys.length === 0) return;
  throw new KiwiError(
    'insufficient_scope',
    `Changing ${keys.join(', ')} would send a stored secret to the new place: that needs the 'admin' scope, or set the secret anew in the same change`,
    403,
  );
}
