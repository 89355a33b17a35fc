import fs from 'node:fs/promises';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody } from '../contract/api.ts';
import { authOn, bearer, SCOPE_TOKENS } from '../testing/api-auth.ts';
import { makeTempDir, startTestKiwi, type TestKiwi, type TestResponse } from '../testing/kiwi-test-server.ts';
import { TestWsClient, expectUpgradeRefused, wsUrl } from '../testing/ws-client.ts';

/** Abuse a local attacker or a buggy script could commit (issue 14), against a real Kiwi. */
const errorOf = (res: TestResponse, status: number) => {
  expect(res.status, res.text).toBe(status);
  return ErrorBody.parse(res.json).error;
};

describe('API hardening', () => {
  let k: TestKiwi;
  beforeAll(async () => {
    k = await startTestKiwi();
  });
  afterAll(async () => {
    await k?.cleanup();
  });

  it('refuses a deeply nested 8 MiB body to POST /api/speakers as it streams in, without stalling the event loop', async () => {
    const depth = 4 * 1024 * 1024 - 64;
    const body = `{"name":"x","audio":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    const res = await k.request('POST', '/api/speakers', { body, headers: { 'content-type': 'application/json' } });
    lag.disable();
    expect(errorOf(res, 400)).toMatchObject({ code: 'json_too_deep', message: expect.stringContaining('32 levels') });
    // Before the depth check JSON.parse alone stalled the loop for 1-2.5 s; the bench reports the real figure.
    expect(lag.max / 1e6).toBeLessThan(500);
    // ordinary nesting still works
    expect((await k.request('PATCH', '/api/config', { body: { voice: { min_silence_ms: 400 } } })).status).toBe(200);
  });

  it('POST /api/models/{id}/download with a body of null is a 400, not a download', async () => {
    const events = await TestWsClient.connect(wsUrl(k.url, '/api/events'));
    try {
      const from = events.mark();
      const res = await k.request('POST', '/api/models/silero-vad/download', { body: 'null', headers: { 'content-type': 'application/json' } });
      expect(errorOf(res, 400)).toMatchObject({ code: 'invalid_request', message: expect.stringContaining('request body') });
      // Events go out in order: once a later change's CONFIG_CHANGED has arrived, a download started by the refused request would have too.
      expect((await k.request('PATCH', '/api/config', { body: { voice: { min_silence_ms: 420 } } })).status).toBe(200);
      const changed = await events.waitFor((e) => e.event === 'CONFIG_CHANGED', { from, what: 'CONFIG_CHANGED' });
      const later = events.messages.slice(from).flatMap((m) => (m.kind === 'json' ? [m.value] : []));
      const seen = later.slice(0, later.indexOf(changed)).map((e) => (e as { event: string }).event);
      expect(seen).not.toContain('MODEL_DOWNLOAD_STARTED');
    } finally {
      await events.close();
    }
  });

  it.each([
    [{ stt_model: '../../../etc' }, 'stt_model'],
    [{ voice: { min_silence_ms: 3000, max_silence_ms: 100 } }, 'voice.min_silence_ms'],
    [{ wake_word: 'ki\u0000wi' }, 'wake_word'],
    [{ souls: { default: 'no-such-soul' } }, 'souls.default'],
  ])('PATCH /api/config %j is a 400 naming %s, and Kiwi keeps its config', async (body, key) => {
    const before = (await k.request('GET', '/api/config')).json;
    const error = errorOf(await k.request('PATCH', '/api/config', { body }), 400);
    expect(error.message).toContain(`${key}: `);
    expect((await k.request('GET', '/api/config')).json).toEqual(before);
  });

  it('200 chats at once: about 60 are answered, the rest get 429 with Retry-After, and status polling is never limited', async () => {
    // A Kiwi of its own: the other tests here spent commands from the same address.
    const fresh = await startTestKiwi();
    try {
      const answers = await Promise.all(
        Array.from({ length: 200 }, () => fresh.request('POST', '/api/chat', { body: { text: 'what time is it', speak: false } })),
      );
      const ok = answers.filter((a) => a.status === 200).length;
      expect(ok).toBeGreaterThanOrEqual(60);
      expect(ok).toBeLessThanOrEqual(70); // 60 a minute, plus what refills while they run
      const limited = answers.find((a) => a.status === 429)!;
      expect(ErrorBody.parse(limited.json).error.code).toBe('rate_limited');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      for (let i = 0; i < 5; i++) expect((await fresh.request('GET', '/api/status')).status).toBe(200);
    } finally {
      await fresh.cleanup();
    }
  });
});

describe('private files', () => {
  it('creates the data folder 0700 and kiwi.db and config.yaml 0600, and fixes looser modes at start', async () => {
    const parent = await makeTempDir('kiwi-private-');
    const data = path.join(parent, 'data');
    try {
      let k = await startTestKiwi({ env: { KIWI_DATA_DIR: data } });
      await k.kiwi.stop('test');
      const modes = async () => ({
        dir: (await fs.stat(data)).mode & 0o777,
        db: (await fs.stat(path.join(data, 'kiwi.db'))).mode & 0o777,
        config: (await fs.stat(path.join(data, 'config.yaml'))).mode & 0o777,
      });
      expect(await modes()).toEqual({ dir: 0o700, db: 0o600, config: 0o600 });
      // an older Kiwi (or a restored backup) left them readable by everyone
      await fs.chmod(data, 0o755);
      await fs.chmod(path.join(data, 'kiwi.db'), 0o644);
      await fs.chmod(path.join(data, 'config.yaml'), 0o644);
      k = await startTestKiwi({ env: { KIWI_DATA_DIR: data } });
      await k.kiwi.stop('test');
      expect(await modes()).toEqual({ dir: 0o700, db: 0o600, config: 0o600 });
    } finally {
      await fs.rm(parent, { recursive: true, force: true });
    }
  });
});

describe('auth: honest errors and lockout', () => {
  it('auth on without tokens on 127.0.0.1 says auth is on, not "beyond loopback"', async () => {
    const err: unknown = await startTestKiwi({ config: { api: { auth: { enabled: true, tokens: [] } } } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'auth_needs_token', message: expect.stringContaining('api.auth.enabled is true') });
    expect((err as Error).message).not.toContain('beyond loopback');
  });

  it('wrong tokens lock the address out with 429 after 10 a minute; the right token works again later', async () => {
    const k = await startTestKiwi({ config: { api: authOn() } });
    try {
      for (let i = 0; i < 10; i++) errorOf(await k.request('GET', '/api/status', { headers: bearer(`wrong-token-${i}-0123456789`) }), 401);
      const locked = await k.request('GET', '/api/status', { headers: bearer(SCOPE_TOKENS.read) });
      expect(errorOf(locked, 429).code).toBe('rate_limited');
      expect(Number(locked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    } finally {
      await k.cleanup();
    }
  });

  it('no way around the lockout: WebSocket upgrades count, and a PATCH of the config starts nothing afresh', async () => {
    const k = await startTestKiwi({ config: { api: authOn() } });
    try {
      for (let i = 0; i < 10; i++) {
        const guess = await expectUpgradeRefused(wsUrl(k.url, '/api/events'), bearer(`wrong-token-${i}-0123456789`));
        expect(guess.status).toBe(401);
      }
      const refused = await expectUpgradeRefused(wsUrl(k.url, '/api/events'), bearer(SCOPE_TOKENS.read));
      expect(refused.status).toBe(429);
      expect(ErrorBody.parse(refused.body).error.code).toBe('rate_limited');
      errorOf(await k.request('GET', '/api/status', { headers: bearer(SCOPE_TOKENS.read) }), 429);
      // A config change that leaves api.rate_limits as it was (a new object after every PATCH) keeps the count.
      errorOf(await k.request('PATCH', '/api/config', { headers: bearer(SCOPE_TOKENS.admin), body: { tts_speed: 1.1 } }), 429);
    } finally {
      await k.cleanup();
    }
  });

  it('an API path in capitals is the API\'s JSON 404, not the dashboard page', async () => {
    const k = await startTestKiwi();
    try {
      expect(errorOf(await k.request('GET', '/API/status'), 404).code).toBe('not_found');
      expect(errorOf(await k.request('GET', '//api/status'), 404).code).toBe('not_found');
      // So a token is never checked there: no guessing outside the lockout's count.
      expect(errorOf(await k.request('GET', '/API/status', { headers: bearer('wrong-token-0123456789') }), 404).code).toBe('not_found');
    } finally {
      await k.cleanup();
    }
  });
});
