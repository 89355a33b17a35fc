import type Koa from 'koa';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../contract/config.ts';
import { KiwiError } from '../platform/errors.ts';
import { RateLimiter, rateLimitMiddleware, routeClass } from './rate-limit.ts';

/** The limiter on its own, with a manual clock: hours of traffic in milliseconds, nothing sleeps. */
function harness(initial = DEFAULT_CONFIG.api.rate_limits) {
  let now = 0;
  let limits = initial;
  const middleware = rateLimitMiddleware(new RateLimiter(() => limits, { now: () => now }));
  async function request(method: string, path: string, options: { from?: string; authorization?: string; fails?: boolean } = {}) {
    const headers: Record<string, string> = {};
    const ctx = {
      method,
      path,
      socket: { remoteAddress: options.from ?? '127.0.0.1' },
      get: (name: string) => (name === 'authorization' ? (options.authorization ?? '') : ''),
      set: (name: string, value: string) => (headers[name] = value),
    } as unknown as Koa.Context;
    try {
      await middleware(ctx, async () => {
        if (options.fails) throw new KiwiError('invalid_token', 'The bearer token is not valid', 401);
      });
      return { status: 200, headers };
    } catch (err) {
      const e = err as KiwiError;
      return { status: e.status, code: e.code, message: e.message, headers };
    }
  }
  return { request, advance: (ms: number) => (now += ms), setLimits: (next: typeof limits) => (limits = next) };
}

describe('API rate limits', () => {
  it('classes: work-starting routes are commands, everything else requests', () => {
    expect(routeClass('POST', '/api/chat')).toBe('commands');
    expect(routeClass('POST', '/api/speakers')).toBe('commands');
    expect(routeClass('POST', '/api/speakers/abc/samples')).toBe('commands');
    expect(routeClass('POST', '/api/models/kokoro-en/download')).toBe('commands');
    expect(routeClass('POST', '/api/setup/download')).toBe('commands');
    expect(routeClass('GET', '/api/llm/local')).toBe('commands'); // it asks other servers
    expect(routeClass('GET', '/api/status')).toBe('requests');
    expect(routeClass('GET', '/api/speakers')).toBe('requests');
  });

  it('never limits a home script polling /api/status every second (a whole day)', async () => {
    const h = harness();
    for (let s = 0; s < 24 * 3600; s++) {
      h.advance(1000);
      const res = await h.request('GET', '/api/status');
      if (res.status !== 200) throw new Error(`limited at second ${s}: ${JSON.stringify(res)}`);
    }
  });

  it('a chat flood gets 429 rate_limited with Retry-After once a minute of commands is used; other clients are unaffected', async () => {
    const h = harness();
    const answers = [];
    for (let i = 0; i < 2000; i++) answers.push(await h.request('POST', '/api/chat'));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(60);
    const refused = answers.at(-1)!;
    expect(refused).toMatchObject({ status: 429, code: 'rate_limited', message: expect.stringContaining('commands_per_minute') });
    expect(Number(refused.headers['Retry-After'])).toBeGreaterThanOrEqual(1);
    expect((await h.request('POST', '/api/chat', { from: '10.0.0.2' })).status).toBe(200);
    expect((await h.request('GET', '/api/status')).status).toBe(200); // reads have their own budget
    h.advance(1000);
    expect((await h.request('POST', '/api/chat')).status).toBe(200); // one a second comes back
  });

  it('wrong tokens: after 10 in a minute every credential from that address is refused until the bucket refills', async () => {
    const h = harness();
    for (let i = 0; i < 10; i++) expect((await h.request('GET', '/api/status', { authorization: 'Bearer wrong', fails: true })).status).toBe(401);
    const locked = await h.request('GET', '/api/status', { authorization: 'Bearer right' });
    expect(locked).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(Number(locked.headers['Retry-After'])).toBe(6);
    expect((await h.request('POST', '/api/auth/login')).status).toBe(429);
    expect((await h.request('GET', '/api/status', { from: '::1', authorization: 'Bearer right' })).status).toBe(200);
    h.advance(6000);
    expect((await h.request('GET', '/api/status', { authorization: 'Bearer right' })).status).toBe(200);
  });

  it('can be switched off (api.rate_limits.enabled: false)', async () => {
    const h = harness({ ...DEFAULT_CONFIG.api.rate_limits, enabled: false });
    for (let i = 0; i < 500; i++) expect((await h.request('POST', '/api/chat')).status).toBe(200);
  });

  it('counts a path whatever its case or doubled slashes: /API/chat is no way around the limits', async () => {
    const h = harness();
    for (let i = 0; i < 60; i++) await h.request('POST', i % 2 ? '/API/chat' : '//api/Chat');
    expect((await h.request('POST', '/api/chat')).status).toBe(429);
    for (let i = 0; i < 10; i++) await h.request('GET', '/API/status', { authorization: 'Bearer wrong', fails: true });
    expect((await h.request('GET', '/api/status', { authorization: 'Bearer right' })).status).toBe(429);
  });

  it('a config change that leaves the limits as they were keeps every count (a PATCH is a new config object)', async () => {
    const h = harness();
    for (let i = 0; i < 10; i++) await h.request('GET', '/api/status', { authorization: 'Bearer wrong', fails: true });
    h.setLimits({ ...DEFAULT_CONFIG.api.rate_limits });
    expect((await h.request('GET', '/api/status', { authorization: 'Bearer right' })).status).toBe(429);
    h.setLimits({ ...DEFAULT_CONFIG.api.rate_limits, auth_failures_per_minute: 20 });
    expect((await h.request('GET', '/api/status', { authorization: 'Bearer right' })).status).toBe(200); // new limits start afresh
  });
});
