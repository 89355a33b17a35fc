import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody } from '../contract/api.ts';
import { routes, type RouteSpec } from '../contract/routes.ts';
import { startTestKiwi, type TestKiwi, type TestResponse } from '../testing/kiwi-test-server.ts';
import { TestWsClient, wsUrl } from '../testing/ws-client.ts';

/**
 * A small, bounded fuzz pass driven by /api/openapi.json: arbitrary JSON bodies, mutated valid
 * bodies and random path parameters for every operation. Kiwi must answer each with a documented
 * status and a well-formed body, and never fall over.
 */

interface OpenApiDoc {
  paths: Record<string, Partial<Record<'get' | 'post' | 'put' | 'patch' | 'delete', { responses: Record<string, unknown>; requestBody?: unknown; parameters?: unknown[] }>>>;
}

interface Operation {
  method: RouteSpec['method'];
  path: string;
  spec: RouteSpec;
  documented: Set<number>;
}

/** A valid body per operation, the starting point of mutations. */
const VALID_BODIES: Record<string, Record<string, unknown>> = {
  'patch /api/config': { language: 'en', tts_voice: 'af_heart' },
  'patch /api/speakers/{speaker_id}': { name: 'Sam', priority: 2 },
  'post /api/language': { language: 'en' },
  'post /api/soul': { soul: 'comedian' },
  'post /api/tts/test': { text: 'Hello' },
  'post /api/reset-context': { speaker_id: 'spk_001' },
  'post /api/homeassistant/command': { text: 'lights on', language: 'en' },
  'post /api/auth/login': { token: 'not-a-real-token-0000' },
};

/** Never fuzzed: it ends the server, which the other tests need. */
const SKIP = new Set(['post /api/shutdown']);

describe('fuzz pass over /api/openapi.json', () => {
  let k: TestKiwi;
  let doc: OpenApiDoc;
  let operations: Operation[];
  let requests = 0;

  beforeAll(async () => {
    k = await startTestKiwi({
      // Pin every outbound address to loopback through the environment, so no patch can point
      // Kiwi at the network (the keys become unpatchable: 409).
      env: { KIWI_HA_ENABLED: 'false', KIWI_HA_URL: 'http://127.0.0.1:9', KIWI_LLM_BASE_URL: 'http://127.0.0.1:9' },
      // The fuzz pass is about input handling: limits high enough that it is never rate limited (rate-limit.test.ts covers those).
      config: { api: { rate_limits: { commands_per_minute: 100_000, requests_per_minute: 1_000_000 } } },
    });
    for (const name of ['Owner', 'Friend', 'Guest', 'Guest 2']) {
      k.kiwi.runtime.store.speakers.create({ name, priority: name === 'Owner' ? 0 : name === 'Friend' ? 1 : 2 });
    }
    const res = await k.request('GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    doc = res.json as OpenApiDoc;
    operations = [];
    for (const spec of Object.values(routes) as RouteSpec[]) {
      const op = doc.paths[spec.path]?.[spec.method];
      if (!op || SKIP.has(`${spec.method} ${spec.path}`)) continue;
      operations.push({ method: spec.method, path: spec.path, spec, documented: new Set(Object.keys(op.responses).map(Number)) });
    }
  });
  afterAll(async () => k?.cleanup());

  const fill = (p: string, id: string) => p.replace('{speaker_id}', encodeURIComponent(id));

  /** Send one request and check the answer against the documentation. */
  async function probe(op: Operation, urlPath: string, body: unknown): Promise<void> {
    requests++;
    const res: TestResponse = await k.request(op.method.toUpperCase(), urlPath, body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    const where = `${op.method.toUpperCase()} ${urlPath} ${JSON.stringify(body)?.slice(0, 200)} → ${res.status} ${res.text.slice(0, 300)}`;
    expect(res.status, where).toBeLessThan(500 + (op.documented.has(503) || op.documented.has(502) ? 10 : 0));
    if (res.status >= 500) expect(op.documented.has(res.status), where).toBe(true);
    // 404 for a well-formed but unknown id, 409 for owner rules, 429 when rate limited: all must be documented.
    const success = op.spec.status ?? 200;
    expect(res.status === success || op.documented.has(res.status), `undocumented status: ${where}`).toBe(true);
    if (res.status === success) {
      const parsed = op.spec.response.safeParse(res.json);
      expect(parsed.success, `answer does not match the contract: ${where}`).toBe(true);
    } else {
      expect(ErrorBody.safeParse(res.json).success, `error body is not {error:{code,message}}: ${where}`).toBe(true);
    }
  }

  it('the document covers every route of the contract plus /api/events and /api/audio', () => {
    for (const spec of Object.values(routes) as RouteSpec[]) {
      const op = doc.paths[spec.path]?.[spec.method];
      expect(op, `${spec.method} ${spec.path}`).toBeDefined();
      expect(Object.keys(op!.responses)).toContain(String(spec.status ?? 200));
      if (spec.body) expect(op!.requestBody, `${spec.method} ${spec.path} body`).toBeDefined();
      if (spec.params) expect(op!.parameters, `${spec.method} ${spec.path} params`).toBeDefined();
      for (const status of spec.errors) expect(Object.keys(op!.responses), `${spec.path} documents ${status}`).toContain(String(status));
    }
    expect(doc.paths['/api/events']?.get).toBeDefined();
    expect(doc.paths['/api/audio']?.get).toBeDefined();
    expect(Object.keys(doc.paths).length).toBe(new Set(Object.values(routes).map((r) => r.path)).size + 2);
  });

  it('(a) arbitrary JSON bodies', async () => {
    const sampleId = 'spk_002';
    for (const op of operations) {
      await fc.assert(
        fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), async (body) => probe(op, fill(op.path, sampleId), body)),
        { numRuns: 6, seed: 7789 },
      );
    }
  }, 30_000);

  it('(b) mutated valid bodies: wrong types, extra keys, missing keys', async () => {
    for (const op of operations) {
      const valid = VALID_BODIES[`${op.method} ${op.path}`];
      if (!valid) continue;
      const keys = Object.keys(valid);
      const mutation = fc.oneof(
        fc.record({ key: fc.constantFrom(...keys), value: fc.jsonValue({ maxDepth: 2 }) }).map(({ key, value }) => ({ ...valid, [key]: value })),
        fc.record({ key: fc.string({ maxLength: 12 }), value: fc.jsonValue({ maxDepth: 1 }) }).map(({ key, value }) => ({ ...valid, [key]: value })),
        fc.constantFrom(...keys).map((key) => Object.fromEntries(Object.entries(valid).filter(([k2]) => k2 !== key))),
        fc.constant([valid]),
        fc.constantFrom(...keys).map((key) => ({ ...valid, [key]: { nested: valid[key] } })),
      );
      await fc.assert(
        fc.asyncProperty(mutation, async (body) => probe(op, fill(op.path, 'spk_003'), body)),
        { numRuns: 8, seed: 42 },
      );
    }
  }, 30_000);

  it('(c) random path parameters', async () => {
    const withParams = operations.filter((op) => op.path.includes('{speaker_id}'));
    expect(withParams.length).toBe(8); // + GET/DELETE …/memory and DELETE …/memory/facts/{fact_id}
    const id = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.string({ unit: 'binary', maxLength: 20 }),
      fc.stringMatching(/^spk_[a-z0-9_]{1,8}$/),
      fc.constantFrom('spk_001', 'spk_', '..', '%00', 'spk_001/../spk_002', 'SPK_001', `spk_${'a'.repeat(60)}`),
    );
    for (const op of withParams) {
      const body = VALID_BODIES[`${op.method} ${op.path}`];
      await fc.assert(
        fc.asyncProperty(id, async (value) => {
          if (value === '') return; // an empty segment is another route
          await probe(op, fill(op.path, value), body);
        }),
        { numRuns: 15, seed: 1234 },
      );
    }
  }, 30_000);

  it('random binary frames and random text on /api/audio and /api/events never kill the server', async () => {
    const audio = await TestWsClient.connect(wsUrl(k.url, '/api/audio'));
    const events = await TestWsClient.connect(wsUrl(k.url, '/api/events'));
    try {
      await fc.assert(
        fc.property(
          fc.oneof(fc.uint8Array({ maxLength: 12_000 }), fc.string({ maxLength: 300 }), fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v))),
          (frame) => {
            const data = typeof frame === 'string' ? frame : Buffer.from(frame);
            audio.send(data);
            events.send(data);
          },
        ),
        { numRuns: 150, seed: 99 },
      );
      // So much garbage closes the audio client (1008 too_many_messages, ws-resilience.test.ts); a new one is served, the events socket answers, and REST too.
      const later = await TestWsClient.connect(wsUrl(k.url, '/api/audio'));
      try {
        later.send({ type: 'hello', sample_rate: 16000 });
        await later.waitFor((m) => m.type === 'hello_ack', { timeoutMs: 5000 });
      } finally {
        await later.close();
      }
      const from = events.mark();
      events.send({ type: 'ping' });
      await events.waitFor((m) => m.event === 'pong', { from });
      expect([null, 1008]).toContain(audio.closed?.code ?? null);
      expect(events.closed).toBeNull();
    } finally {
      await audio.close();
      await events.close();
    }
    expect((await k.request('GET', '/api/status')).status).toBe(200);
  }, 30_000);

  it('the server is alive after the whole pass, within the request budget', async () => {
    const res = await k.request('GET', '/api/status');
    expect(res.status).toBe(200);
    expect(requests).toBeGreaterThan(150);
    expect(requests).toBeLessThan(500);
  });
});
