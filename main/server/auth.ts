import crypto from 'node:crypto';
import type { Config, Scope } from '../contract/config.ts';
import type { Now } from '../platform/token-bucket.ts';

export interface Grant {
  name: string;
  scopes: Scope[];
  /** The speaker this token belongs to (config api.auth.tokens[].speaker_id): a non-admin token sees that speaker's private data. */
  speaker_id?: string;
}

const RANK: Record<Scope, number> = { read: 0, control: 1, admin: 2 };
export const SESSION_TTL_MS = 12 * 3600_000;
/** Browser sessions kept at most: past it the oldest is dropped (that browser logs in again). */
export const MAX_SESSIONS = 1000;
export const SESSION_COOKIE = 'kiwi_session';

/** Scopes nest: admin may do everything control may, control everything read may. */
export function satisfies(scopes: readonly Scope[], needed: Scope): boolean {
  return scopes.some((s) => RANK[s] >= RANK[needed]);
}

const digest = (value: string) => crypto.createHash('sha256').update(value).digest();

/**
 * Tokens (config `api.auth.tokens`, `KIWI_API_TOKEN`) and browser sessions. Auth is required when
 * switched on, and always when Kiwi listens beyond loopback. Without it, loopback clients that
 * pass the Host/Origin checks act with every scope, as Kiwi Voice's scripts expect.
 */
export class AuthService {
  readonly #sessions = new Map<string, { grant: Grant; expires: number }>();

  /**
   * `clock`: a monotonic one by default. Sessions live only in this process, and a wall clock set
   * forward (NTP, a resume) must not log everyone out, nor one set back keep a session for longer.
   */
  constructor(
    private readonly config: () => Config,
    private readonly bindIsLoopback: boolean,
    private readonly clock: Now = { now: () => performance.now() },
  ) {}

  get sessionCount(): number {
    return this.#sessions.size;
  }

  get required(): boolean {
    return this.config().api.auth.enabled || !this.bindIsLoopback;
  }

  /** The grant for a presented token, or null. Compares against every token in constant time. */
  check(token: string): Grant | null {
    const presented = digest(token);
    let match: Grant | null = null;
    for (const entry of this.config().api.auth.tokens) {
      if (crypto.timingSafeEqual(presented, digest(entry.token)) && !match) {
        match = { name: entry.name, scopes: entry.scopes, ...(entry.speaker_id ? { speaker_id: entry.speaker_id } : {}) };
      }
    }
    return match;
  }

  /**
   * A new session. Expired ones are forgotten here (a script that logs in before every call and
   * never logs out no longer grows the map for weeks), and at most MAX_SESSIONS are kept.
   */
  openSession(grant: Grant): string {
    const now = this.clock.now();
    // Every session lives as long, so the Map's insertion order is expiry order: the expired are at the front.
    for (const [id, session] of this.#sessions) {
      if (session.expires >= now && this.#sessions.size < MAX_SESSIONS) break;
      this.#sessions.delete(id);
    }
    const id = crypto.randomBytes(32).toString('base64url');
    this.#sessions.set(id, { grant, expires: now + SESSION_TTL_MS });
    return id;
  }

  session(id: string | undefined): Grant | null {
    if (!id) return null;
    const session = this.#sessions.get(id);
    if (!session) return null;
    if (session.expires < this.clock.now()) {
      this.#sessions.delete(id);
      return null;
    }
    return session.grant;
  }

  closeSession(id: string | undefined): void {
    if (id) this.#sessions.delete(id);
  }
}

/** The grant everyone gets when auth is not required. */
export const OPEN_GRANT: Grant = { name: 'local', scopes: ['admin'] };

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}
