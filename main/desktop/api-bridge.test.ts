import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SoulDocument, Status } from '../contract/api.ts';
import { startTestKiwi, type TestKiwi } from '../testing/kiwi-test-server.ts';
import { ApiBridge, fillRoutePath } from './api-bridge.ts';

describe('fillRoutePath', () => {
  it('fills and percent-encodes path parameters, and notices missing ones', () => {
    expect(fillRoutePath('/api/speakers/{speaker_id}/samples', { speaker_id: 'spk_1' })).toBe('/api/speakers/spk_1/samples');
    expect(fillRoutePath('/api/souls/{soul_id}', { soul_id: '../../etc' })).toBe('/api/souls/..%2F..%2Fetc');
    expect(fillRoutePath('/api/souls/{soul_id}', {})).toBeNull();
    expect(fillRoutePath('/api/status', undefined)).toBe('/api/status');
  });
});

describe('ApiBridge against a recording server', () => {
  const seen: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders; body: string }> = [];
  let server: http.Server;
  let base: string;
  let reply: (req: http.IncomingMessage, res: http.ServerResponse) => void = (_req, res) => res.end('{}');

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
        reply(req, res);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('sends the route’s method, path and JSON body, with no Origin header', async () => {
    reply = (_req, res) => res.end(JSON.stringify({ updated: { language: 'de' } }));
    const bridge = new ApiBridge(() => base);
    const result = await bridge.call('patchConfig', { body: { language: 'de' } });
    expect(result).toEqual({ ok: true, status: 200, data: { updated: { language: 'de' } } });
    const req = seen.at(-1)!;
    expect([req.method, req.url, req.body, req.headers['content-type']]).toEqual(['PATCH', '/api/config', '{"language":"de"}', 'application/json']);
    expect(req.headers.origin).toBeUndefined();
  });

  it('keeps the session cookie a sign-in sets (in main, never in the page) and drops it on sign-out', async () => {
    const bridge = new ApiBridge(() => base);
    reply = (_req, res) => {
      res.setHeader('Set-Cookie', 'kiwi_session=abc123; HttpOnly; SameSite=Strict; Path=/');
      res.end('{"auth_enabled":true,"scopes":["admin"],"name":"me"}');
    };
    await bridge.call('login', { body: { token: 'x'.repeat(20) } });
    expect(bridge.signedIn).toBe(true);
    reply = (_req, res) => res.end('{}');
    await bridge.call('status');
    expect(seen.at(-1)!.headers.cookie).toBe('kiwi_session=abc123');
    reply = (_req, res) => {
      res.setHeader('Set-Cookie', 'kiwi_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0');
      res.end('{"status":"logged_out"}');
    };
    await bridge.call('logout');
    expect(bridge.signedIn).toBe(false);
    reply = (_req, res) => res.end('{}');
    await bridge.call('status');
    expect(seen.at(-1)!.headers.cookie).toBeUndefined();
  });

  it('turns error answers, non-JSON and a dead server into error results', async () => {
    const bridge = new ApiBridge(() => base);
    reply = (_req, res) => {
      res.statusCode = 409;
      res.end('{"error":{"code":"soul_read_only","message":"built-in"}}');
    };
    expect(await bridge.call('putSoul', { params: { soul_id: 'default' }, body: {} })).toEqual({ ok: false, status: 409, error: { code: 'soul_read_only', message: 'built-in' } });
    reply = (_req, res) => {
      res.statusCode = 500;
      res.end('<html>oops</html>');
    };
    expect(await bridge.call('status')).toMatchObject({ ok: false, status: 502, error: { code: 'bad_answer' } });
    const dead = new ApiBridge(() => 'http://127.0.0.1:9');
    expect(await dead.call('status')).toMatchObject({ ok: false, status: 503, error: { code: 'kiwi_unreachable' } });
  });

  it('refuses what is not a route of the contract, or a malformed input, without a request', async () => {
    const bridge = new ApiBridge(() => base);
    const before = seen.length;
    expect(await bridge.call('toString', {})).toMatchObject({ ok: false, status: 404, error: { code: 'unknown_route' } });
    expect(await bridge.call('__proto__', {})).toMatchObject({ ok: false, error: { code: 'unknown_route' } });
    expect(await bridge.call(42, {})).toMatchObject({ ok: false, error: { code: 'unknown_route' } });
    expect(await bridge.call('getSoul', {})).toMatchObject({ ok: false, status: 400 });
    expect(await bridge.call('status', { headers: { host: 'evil' } })).toMatchObject({ ok: false, status: 400 });
    expect(await bridge.call('getSoul', { params: { soul_id: { toString: 1 } } })).toMatchObject({ ok: false, status: 400 });
    expect(seen.length).toBe(before);
  });
});

describe('ApiBridge against a real Kiwi', () => {
  let k: TestKiwi;
  beforeAll(async () => {
    k = await startTestKiwi();
  });
  afterAll(async () => k?.cleanup());

  it('gets the status, writes and reads a user soul, and passes the server’s validation errors through', async () => {
    const bridge = new ApiBridge(() => k.url);
    const status = await bridge.call('status');
    expect(status.ok && Status.parse(status.data).is_running).toBe(true);
    const body = { name: 'Desk', description: 'made over IPC', prompt: 'Be brief.' };
    const put = await bridge.call('putSoul', { params: { soul_id: 'desk' }, body });
    expect(put.ok, JSON.stringify(put)).toBe(true);
    const got = await bridge.call('getSoul', { params: { soul_id: 'desk' } });
    expect(got.ok && SoulDocument.parse(got.data)).toMatchObject({ id: 'desk', name: 'Desk', builtin: false, prompt: 'Be brief.' });
    expect(await bridge.call('putSoul', { params: { soul_id: 'desk' }, body: { name: '' } })).toMatchObject({ ok: false, status: 400, error: { code: 'invalid_request' } });
    expect(await bridge.call('getSoul', { params: { soul_id: 'Bad Id' } })).toMatchObject({ ok: false, status: 400 });
    expect(await bridge.call('deleteSoul', { params: { soul_id: 'default' } })).toMatchObject({ ok: false, status: 409 });
  });
});
