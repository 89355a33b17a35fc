import { describe, expect, it } from 'vitest';
import type { Config } from '../contract/config.ts';
import { AuthService, MAX_SESSIONS, SESSION_TTL_MS, type Grant } from './auth.ts';

/** A clock moved by hand (ms from any origin, as performance.now). */
function manual() {
  let t = 1_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}
const config = () => ({ api: { auth: { enabled: true, tokens: [] } } }) as unknown as Config;
const grant: Grant = { name: 'script', scopes: ['read'] };

describe('browser sessions over a long uptime', () => {
  it('forgets expired sessions when new ones open: a script logging in every minute for a week keeps a bounded map', () => {
    const clock = manual();
    const auth = new AuthService(config, true, clock);
    for (let minute = 0; minute < 7 * 24 * 60; minute++) {
      auth.openSession(grant);
      clock.advance(60_000);
    }
    expect(auth.sessionCount).toBeLessThanOrEqual(SESSION_TTL_MS / 60_000 + 1);
  });

  it('keeps at most MAX_SESSIONS live sessions, dropping the oldest', () => {
    const clock = manual();
    const auth = new AuthService(config, true, clock);
    const first = auth.openSession(grant);
    const second = auth.openSession(grant);
    for (let i = 0; i < MAX_SESSIONS * 3; i++) auth.openSession(grant);
    expect(auth.sessionCount).toBe(MAX_SESSIONS);
    expect(auth.session(first)).toBeNull();
    expect(auth.session(second)).toBeNull();
    const latest = auth.openSession(grant);
    expect(auth.session(latest)).toEqual(grant);
  });

  it('ends a session after its lifetime on its own clock, whatever the wall clock does', () => {
    const clock = manual();
    const auth = new AuthService(config, true, clock);
    const id = auth.openSession(grant);
    clock.advance(SESSION_TTL_MS - 1);
    expect(auth.session(id)).toEqual(grant);
    clock.advance(2);
    expect(auth.session(id)).toBeNull();
  });
});
