import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody, LocalLlmServers } from '../contract/api.ts';
import { authOn, bearer, SCOPE_TOKENS } from '../testing/api-auth.ts';
import { startTestKiwi, type TestKiwi } from '../testing/kiwi-test-server.ts';
import { LlmStandin } from '../testing/llm-standins.ts';
import { LoopbackHttpServer } from '../testing/loopback-http.ts';
import { ManualClock } from '../timers/testing/manual-clock.ts';
import { closedPort } from './testing/collect.ts';
import { detectLocalLlms, PROBE_TIMEOUT_MS } from './local-servers.ts';

/**
 * Finding the LLM servers people run on their own computer. Ollama is a stand-in speaking its real
 * /api/tags and /v1/models answers (Ollama itself cannot be installed here); the ports are free
 * loopback ports instead of 11434, 1234 and 8080.
 */
describe('local LLM servers', () => {
  let ollama: LlmStandin;
  let lmstudio: LlmStandin;
  let html: LoopbackHttpServer;
  let hung: LoopbackHttpServer;
  let health: LoopbackHttpServer;
  /** Called when the hung server gets a request. */
  let onHungRequest = () => {};

  beforeAll(async () => {
    ollama = await LlmStandin.start('ollama', { models: ['llama3.2:latest', 'qwen2.5:7b'] });
    lmstudio = await LlmStandin.start('openai', { models: ['lmstudio-community/gemma-2-9b-it'] });
    html = await LoopbackHttpServer.start((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>a web page</html>'));
    hung = await LoopbackHttpServer.start(() => onHungRequest()); // accepts, never answers
    health = await LoopbackHttpServer.start((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}'));
  });
  afterAll(async () => {
    await Promise.all([ollama?.close(), lmstudio?.close(), html?.close(), hung?.close(), health?.close()]);
  });

  const portOf = (server: LoopbackHttpServer) => Number(new URL(server.url).port);

  it('finds Ollama by /api/tags and LM Studio by /v1/models, each with its models and the base_url to use', async () => {
    const found = await detectLocalLlms({ ollama: ollama.port, lmstudio: lmstudio.port, llamacpp: await closedPort() });
    expect(found.servers).toEqual([
      { kind: 'ollama', name: 'Ollama', port: ollama.port, base_url: `http://127.0.0.1:${ollama.port}/v1`, models: ['llama3.2:latest', 'qwen2.5:7b'] },
      { kind: 'lmstudio', name: 'LM Studio', port: lmstudio.port, base_url: `http://127.0.0.1:${lmstudio.port}/v1`, models: ['lmstudio-community/gemma-2-9b-it'] },
    ]);
    expect(found.checked.find((c) => c.kind === 'llamacpp')?.error).toMatch(/^nothing is listening on http:\/\/127\.0\.0\.1:\d+$/);
    // The base_url it offers really is an OpenAI-compatible chat endpoint.
    expect(ollama.baseUrl).toBe(found.servers[0]!.base_url);
  });

  it('says why a port is not a server it knows: a web page, no answer in time (on Kiwi’s clock), the wrong model list', async () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const hungAsked = new Promise<void>((resolve) => (onHungRequest = resolve));
    let settled = false;
    const detecting = detectLocalLlms({ ollama: portOf(health), lmstudio: portOf(html), llamacpp: portOf(hung) }, { timeoutMs: 60_000, clock });
    void detecting.then(() => (settled = true));
    await hungAsked;
    // The two servers that answered are done; only the hung one's deadline waits, on the clock.
    await expect.poll(() => clock.pendingCount).toBe(1);
    await clock.advance(59_999);
    expect(settled).toBe(false);
    await clock.advance(1);
    const found = await detecting;
    expect(found.servers).toEqual([]);
    const why = Object.fromEntries(found.checked.map((c) => [c.kind, c.error]));
    expect(why.ollama).toMatch(/\/api\/tags did not answer Ollama's model list$/);
    expect(why.lmstudio).toMatch(/did not answer JSON: not LM Studio/);
    expect(why.llamacpp).toMatch(/did not answer within 60000 ms/);
  });

  it('only ever asks 127.0.0.1', async () => {
    const asked: string[] = [];
    const spy: typeof fetch = (input) => {
      asked.push(String(input));
      return Promise.reject(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }));
    };
    await detectLocalLlms({ ollama: 11434, lmstudio: 1234, llamacpp: 8080 }, { fetch: spy });
    expect(asked).toEqual(['http://127.0.0.1:11434/api/tags', 'http://127.0.0.1:1234/v1/models', 'http://127.0.0.1:8080/v1/models']);
  });

  describe('GET /api/llm/local', () => {
    let k: TestKiwi;
    beforeAll(async () => {
      k = await startTestKiwi({
        config: { api: authOn(), llm: { local_ports: { ollama: ollama.port, lmstudio: await closedPort(), llamacpp: await closedPort() } } },
      });
    });
    afterAll(async () => {
      await k?.cleanup();
    });

    it('answers the servers found on the configured loopback ports', async () => {
      const res = await k.request('GET', '/api/llm/local', { headers: bearer(SCOPE_TOKENS.read) });
      expect(res.status, res.text).toBe(200);
      const body = LocalLlmServers.parse(res.json);
      expect(body.servers.map((s) => [s.kind, s.models])).toEqual([['ollama', ['llama3.2:latest', 'qwen2.5:7b']]]);
      expect(body.checked.map((c) => c.kind)).toEqual(['ollama', 'lmstudio', 'llamacpp']);
    });

    it('needs credentials, with the API error shape', async () => {
      const res = await k.request('GET', '/api/llm/local');
      expect(res.status).toBe(401);
      expect(ErrorBody.parse(res.json).error.code).toBe('unauthorized');
    });

    it('refuses a port that is not one, with the API error shape, and keeps the one it had', async () => {
      const res = await k.request('PATCH', '/api/config', { headers: bearer(SCOPE_TOKENS.admin), body: { llm: { local_ports: { ollama: 70000 } } } });
      expect(res.status).toBe(400);
      expect(ErrorBody.parse(res.json).error.message).toMatch(/local_ports/);
      const moved = await k.request('PATCH', '/api/config', { headers: bearer(SCOPE_TOKENS.admin), body: { llm: { local_ports: { ollama: await closedPort() } } } });
      expect(moved.status, moved.text).toBe(200);
      const after = LocalLlmServers.parse((await k.request('GET', '/api/llm/local', { headers: bearer(SCOPE_TOKENS.read) })).json);
      expect(after.servers).toEqual([]);
    });
  });

  describe('GET /api/llm/local on Kiwi’s clock', () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    let k: TestKiwi;
    beforeAll(async () => {
      k = await startTestKiwi({ clock, config: { api: authOn(), llm: { local_ports: { ollama: await closedPort(), lmstudio: await closedPort(), llamacpp: portOf(hung) } } } });
    });
    afterAll(async () => {
      await k?.cleanup();
    });

    it('answers a hung server when the probe’s deadline passes on the runtime’s clock, not on Node’s', async () => {
      const hungAsked = new Promise<void>((resolve) => (onHungRequest = resolve));
      const before = clock.pendingCount;
      let answered = false;
      const asking = k.request('GET', '/api/llm/local', { headers: bearer(SCOPE_TOKENS.read) });
      void asking.then(() => (answered = true));
      await hungAsked;
      await expect.poll(() => clock.pendingCount).toBe(before + 1); // the hung server's deadline
      await clock.advance(PROBE_TIMEOUT_MS - 1);
      expect(answered).toBe(false);
      await clock.advance(1);
      const res = await asking;
      expect(res.status, res.text).toBe(200);
      const why = Object.fromEntries(LocalLlmServers.parse(res.json).checked.map((c) => [c.kind, c.error]));
      expect(why.llamacpp).toMatch(new RegExp(`did not answer within ${PROBE_TIMEOUT_MS} ms$`));
    });
  });
});

