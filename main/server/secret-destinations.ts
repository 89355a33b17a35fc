import type { Config } from '../contract/config.ts';
import { maskUrlPassword } from '../config/url-passwords.ts';
import { KiwiError } from '../platform/errors.ts';
import { satisfies, type Grant } from './auth.ts';

/**
 * The keys that say where Kiwi sends what it hears and what it keeps. Moving one is as good as
 * reading what goes there, and that is admin's: the stored secrets (point llm.base_url at your own
 * server, ask a question, read the Authorization header), every later conversation with the
 * remembered facts in its prompt (which /api/conversation and /api/memory show to admin only), the
 * transcripts MQTT publishes, and who may answer approvals on Telegram. A control token may still
 * drive Kiwi, only not move these.
 */
const DESTINATIONS = [
  ['llm', 'provider'],
  ['llm', 'base_url'],
  ['homeassistant', 'url'],
  ['mqtt', 'url'],
  ['mqtt', 'username'], // the stored password is sent with it
  ['telegram', 'api_base_url'],
  ['telegram', 'chat_id'],
  ['telegram', 'owner_user_id'],
] as const;

type Groups = Record<string, Record<string, unknown> | undefined>;

/** The same place: equal, or a URL sent back as GET /api/config shows it (its password masked). */
const same = (asked: unknown, now: unknown) => asked === now || (typeof now === 'string' && asked === maskUrlPassword(now));

/** The keys of `patch` that would move where Kiwi sends conversations, secrets or approvals. */
export function redirectingKeys(patch: unknown, current: Config): string[] {
  const asked = (patch ?? {}) as Groups;
  const now = current as unknown as Groups;
  return DESTINATIONS.filter(([group, key]) => asked[group]?.[key] !== undefined && !same(asked[group]?.[key], now[group]?.[key])).map(([g, key]) => `${g}.${key}`);
}

/** A PATCH that moves one of the destinations needs the admin scope. */
export function checkSecretDestinations(patch: unknown, current: Config, grant: Grant | null): void {
  if (grant && satisfies(grant.scopes, 'admin')) return;
  const keys = redirectingKeys(patch, current);
  if (keys.length === 0) return;
  throw new KiwiError(
    'insufficient_scope',
    `Changing ${keys.join(', ')} changes where Kiwi sends what it hears, its stored secrets or approvals: that needs the 'admin' scope`,
    403,
  );
}
