import fs from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { OpenClawGatewayStandin } from '../../testing/llm-standins.ts';
import { ManualClock } from '../../timers/testing/manual-clock.ts';
import { closedPort, collect, failure, llmConfig } from '../testing/collect.ts';
import { gatewayUrl } from './gateway-dialer.ts';
import { OpenClawLlm } from './openclaw-llm.ts';

// The stand-in speaks the OpenClaw gateway's WebSocket protocol (connect.challenge → connect →
// hello-ok, chat.send + chat delta/final/error/aborted events, chat.abort, sessions.reset,
// exec.approval.requested/resolve/resolved), as a local OpenClaw gateway on :18789 would.
describe('OpenClawLlm against an OpenClaw gateway stand-in', () => {
  let gateway: OpenClawGatewayStandin;
  let llm: OpenClawLlm | undefined;
  const fast = { retries: 2, backoffMs: 5, maxBackoffMs: 20 };
  const config = () => llmConfig({ provider: 'openclaw', base_url: gateway.baseUrl, api_key: 'gw-token' });
  const turn = (text: string, system = 'You are Kiwi.') => [
    { role: 'system' as const, content: system },
    { role: 'user' as const, content: 'earlier question' },
    { role: 'assistant' as const, content: 'earlier answer' },
    { role: 'user' as const, content: text },
  ];
  afterEach(async () => {
    llm?.close();
    llm = undefined;
    await gateway?.close();
  });

  it('connects as a token-authenticated backend operator and streams cumulative chat deltas', async () => {
    gateway = await OpenClawGatewayStandin.start({ token: 'gw-token' });
    gateway.chat({ deltas: ['Hallo', ', wie ', 'geht’s? ', '🙂'] });
    llm = new OpenClawLlm(config(), fast);
    const tokens = await collect(llm.chat(turn('Wie geht es dir?'), { model: 'ignored', conversation: 'alice' } as never));
    expect(tokens.join('')).toBe('Hallo, wie geht’s? 🙂');
    expect(tokens.length).toBeGreaterThan(1);
    const [connect] = gateway.calls('connect');
    expect(connect).toMatchObject({
      minProtocol: 3,
      maxProtocol: 4,
      client: { id: 'gateway-client', mode: 'ui' },
      caps: ['exec-approvals'],
      role: 'operator',
      scopes: ['operator.read', 'operator.write', 'operator.approvals'],
      auth: { token: 'gw-token' },
    });
    const [send] = gateway.calls('chat.send');
    expect(send).toMatchObject({ sessionKey: 'agent:main:kiwi-alice', timeoutMs: 5000 });
    expect(typeof send!.idempotencyKey).toBe('string');
    // The gateway keeps the history: only the newest user text goes, with the system prompt first time.
    expect(send!.message).toBe('You are Kiwi.\n\n---\n\nWie geht es dir?');
  });

  it('sends the system prompt again only when it changes; each conversation has its own session', async () => {
    gateway = await OpenClawGatewayStandin.start({ token: 'gw-token' });
    llm = new OpenClawLlm(config(), fast);
    const ask = (text: string, conversation: string, system?: string) => collect(llm!.chat(turn(text, system), { model: '', conversation } as never));
    await ask('one', 'bob');
    await ask('two', 'bob');
    await ask('three', 'bob:nsfw', 'You are Siren.');
    await ask('four', 'bob', 'You are a storyteller.');
    const sent = gateway.calls('chat.send').map((p) => [p.sessionKey, p.message]);
    expect(sent).toEqual([
      ['agent:main:kiwi-bob', 'You are Kiwi.\n\n---\n\none'],
      ['agent:main:kiwi-bob', 'two'],
      ['agent:main:kiwi-bob-nsfw', 'You are Siren.\n\n---\n\nthree'],
      ['agent:main:kiwi-bob', 'You are a storyteller.\n\n---\n\nfour'],
    ]);
    expect(gateway.connections).toBe(1); // one socket for every turn
  });

  it('understands deltaText events (newer gateways)', async () => {
    gateway = await OpenClawGatewayStandin.start({ token: 'gw-token' });
    gateway.chat({ deltas: ['Один, ', 'два, ', 'три.'], style: 'deltaText' });
    llm = new OpenClawLlm(config(), fast);
    expect((await collect(llm.chat(turn('count'), { model: '' }))).join('')).toBe('Один, два, три.');
  });

  it('with a data dir, connects with a signed device identity the gateway verifies', async () => {
    gateway = await OpenClawGatewayStandin.start({ token: 'gw-token' });
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiwi-oc-'));
    try {
      llm = new OpenClawLlm(config(), { ...fast, identityDir: dir });
      expect(await collect(llm.chat(turn('hi'), { model: '' }))).toEqual(['Hello.']);
      const [connect] = gateway.calls('connect');
      expect(connect!.device).toMatchObject({ id: llm.pairing.device_id, publicKey: expect.any(String), signature: expect.any(String) });
      expect(llm.pairing).toMatchObject({ state: 'connected', scopes: ['operator.read', 'operator.write', 'operator.approvals'] });
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('a run with a part before a tool: the part is spoken once, then the answer; the run ends at lifecycle end', async () => {
    gateway = await OpenClawGatewayStandin.start({ token: 'gw-token' });
    gateway.chat({ preamble: 'Let me check.', deltas: ['It is ', 'sunny.'], style: 'deltaText' });
    llm = new OpenClawLlm(config(), fast);
    const tokens = await collect(llm.chat(turn('weather?'), { model: '' }));
    expect(tokens.join('')).toBe('Let me check. It is sunny.');
    expect(tokens[0]).toBe('Let me check. ');
  });

  it('a part the chat text already said, and which the answer repeats, is still spoken once (the real gateway under load)', async () => {
    gateway = await OpenClawGatewayStandin.start({ token: 'gw-token' });
    gateway.chat({ preamble: 'Let me check.', preambleInChat: true, deltas: ['It is ', 'sun', 'ny.'] });
    llm = new OpenClawLlm(config(), fast);
    expect((await collect(llm.chat(turn('weather?'), { model: '' }))).join('')).toBe('Let me check. It is sunny.');
  });

  it('a run the agent ends silently (NO_REPLY) is an empty answer, not an error; a real error still is one', async () => {
    gateway = await OpenClawGatewayStandin.start({ token: 'gw-token' });
    gateway.chat({ deltas: [], end: 'silent' }, { deltas: [], end: 'error', errorMessage: 'model failed' });
    llm = new OpenClawLlm(config(), fast);
    expect(await collect(llm.chat(turn('say nothing'), { model: '' }))).toEqual([]);
    expect((await failure(llm.chat(turn('fail'), { model: '' }))).error).toMatchObject({ code: 'llm_bad_response' });
  });

  it('a wrong token is llm_unauthorized, not retried', async () => {
    gateway = await OpenClawGatewayStandin.start({ token: 'other-token' });
    llm = new OpenClawLlm(config(), fast);
    const { error } = await failure(llm.chat(turn('hi'), { model: '' }));
    expect(error).toMatchObject({ code: 'llm_unauthorized' });
    expect((error as Error).message).toContain('AUTH_TOKEN_MISMATCH');
    expect(gateway.connections).toBe(1);
  });

  it('a protocol the gateway does not speak is llm_bad_response', async () => {
    gateway = await OpenClawGatewayStandin.start({ token: 'gw-token', protocol: 9 });
    llm = new OpenClawLlm(config(), fast);
    const { error } = await failure(llm.chat(turn('hi'), { model: '' }));
    expect(error).toMatchObject({ code: 'llm_bad_response' });
    expect((error as Error).message).toContain('protocol mismatch');
  });

  it('works with an older gateway that sends no connect.challenge: connect goes out after 750 ms on the clock', async () => {
    gateway = await OpenClawGatewayStandin.start({ token: 'gw-token', challenge: false, protocol: 3 });
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    llm = new OpenClawLlm(config(), { ...fast, clock });
    const answer = collect(llm.chat(turn('hi'), { model: '' }));
    await expect.poll(() => clock.pendingCount).toBe(3); // the socket is open: silence timeout, handshake timeout, challenge grace
    await clock.advance(749);
    expect(gateway.calls('connect')).toHaveLength(0);
    await clock.advance(1);
    expect(await answer).toEqual(['Hello.']);
  });

  it('chat error events map to llm errors', async () => {
    gateway = await OpenClawGatewayStandin.start({ token: 'gw-token' });
    gateway.chat({ deltas: [], end: 'error', errorMessage: 'context too long', errorKind: 'context_length' }, { deltas: ['Part'], end: 'error', errorMessage: 'deadline', errorKind: 'timeout' });
    llm = new OpenClawLlm(config(), fast);
    expect((await failure(llm.chat(turn('a'), { model: '' }))).error).toMatchObject({ code: 'llm_bad_response', message: expect.stringContaining('context too long') });
    const second = await failure(llm.chat(turn('b'), { model: '' }));
    expect(second.items).toEqual(['Part']);
    expect(second.error).toMatchObject({ code: 'llm_timeout' });
  });

  it('aborting sends chat.abort for the run and ends the stream at once', async () => {
    gateway = await OpenClawGatewayStandin.start({ token: 'gw-token' });
    // A minute after the first delta: only an honoured abort ends this stream within the test's time.
    gateway.chat({ deltas: ['First. ', 'Second. ', 'Third.'], delayMs: [5, 60_000, 60_000] });
    llm = new OpenClawLlm(config(), fast);
    const controller = new AbortController();
    const heard: string[] = [];
    const run = (async () => {
      for await (const piece of llm!.chat(turn('story'), { model: '', signal: controller.signal })) {
        heard.push(piece);
        controller.abort();
      }
    })();
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(heard).toEqual(['First. ']);
    const [send] = gateway.calls('chat.send');
    // The run id is the one the gateway acknowledged chat.send with (its own, not the idempotency key).
    await expect.poll(() => gateway.calls('chat.abort')).toEqual([{ sessionKey: send!.sessionKey, runId: gateway.runIds[0] }]);
  });

  it('reconnects after the gateway restarts between turns', async () => {
    gateway = await OpenClawGatewayStandin.start({ token: 'gw-token' });
    llm = new OpenClawLlm(config(), fast);
    expect(await collect(llm.chat(turn('one'), { model: '' }))).toEqual(['Hello.']);
    gateway.dropConnections();
    await new Promise((r) => setTimeout(r, 50));
    expect(await collect(llm.chat(turn('two'), { model: '' }))).toEqual(['Hello.']);
    expect(gateway.connections).toBe(2);
  });

  it('a connection lost before the first token is retried with the same idempotency key', async () => {
    gateway = await OpenClawGatewayStandin.start({ token: 'gw-token' });
    gateway.chat({ deltas: ['never'], delayMs: 60_000 }, { deltas: ['Second try.'] });
    llm = new OpenClawLlm(config(), fast);
    const reply = collect(llm.chat(turn('hi'), { model: '' }));
    await expect.poll(() => gateway.calls('chat.send')).toHaveLength(1); // the run started; its first token is a minute away
    gateway.dropConnections();
    expect((await reply).join('')).toBe('Second try.');
    const keys = gateway.calls('chat.send').map((p) => p.idempotencyKey);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);
  });

  it('resetSession calls sessions.reset and primes the prompt again', async () => {
    gateway = await OpenClawGatewayStandin.start({ token: 'gw-token' });
    llm = new OpenClawLlm(config(), fast);
    await collect(llm.chat(turn('one'), { model: '', conversation: 'carol' } as never));
    await llm.resetSession('carol');
    await collect(llm.chat(turn('two'), { model: '', conversation: 'carol' } as never));
    expect(gateway.calls('sessions.reset')).toEqual([{ key: 'agent:main:kiwi-carol' }]);
    expect(gateway.calls('chat.send').map((p) => p.message)).toEqual(['You are Kiwi.\n\n---\n\none', 'You are Kiwi.\n\n---\n\ntwo']);
  });

  it('a server that is not a gateway (it sends no JSON) is llm_bad_response at once, not a handshake timeout', async () => {
    const notGateway = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => notGateway.once('listening', resolve));
    notGateway.on('connection', (socket) => socket.send('Welcome to the chat server!'));
    try {
      const url = `http://127.0.0.1:${(notGateway.address() as AddressInfo).port}`;
      llm = new OpenClawLlm(llmConfig({ provider: 'openclaw', base_url: url, api_key: 'gw-token', timeout_s: 60 }), fast);
      const { error } = await failure(llm.chat(turn('hi'), { model: '' }));
      expect(error).toMatchObject({ code: 'llm_bad_response', message: expect.stringContaining("sent something that is not a gateway frame ('Welcome to the chat server!')") });
      expect(llm.pairing).toMatchObject({ state: 'unreachable', message: expect.stringContaining('is llm.base_url the OpenClaw gateway?') });
    } finally {
      await new Promise((resolve) => notGateway.close(resolve));
    }
  });

  it('never shows a password in llm.base_url in its pairing status (read by every client)', async () => {
    const port = await closedPort();
    llm = new OpenClawLlm(llmConfig({ provider: 'openclaw', base_url: `http://kiwi:pw-SECRET-1@127.0.0.1:${port}` }), fast);
    await failure(llm.chat(turn('hi'), { model: '' }));
    expect(llm.pairing).toMatchObject({ state: 'unreachable', gateway: `ws://kiwi:********@127.0.0.1:${port}` });
    expect(JSON.stringify(llm.pairing)).not.toContain('pw-SECRET-1');

    // A URL the WebSocket client cannot use at all (its error quotes the URL): masked in the error and the status too.
    llm.close();
    llm = new OpenClawLlm(llmConfig({ provider: 'openclaw', base_url: 'http://kiwi:pw-SECRET-2@127.0.0.1:99999' }), fast);
    const { error } = await failure(llm.chat(turn('hi'), { model: '' }));
    expect(error).toMatchObject({ code: 'llm_bad_response', message: expect.stringContaining("URL 'ws://kiwi:********@127.0.0.1:99999' is not usable") });
    expect(JSON.stringify([(error as Error).message, llm.pairing])).not.toContain('pw-SECRET-2');
  });

  it('no gateway listening → llm_unreachable', async () => {
    const port = await closedPort();
    llm = new OpenClawLlm(llmConfig({ provider: 'openclaw', base_url: `http://127.0.0.1:${port}` }), fast);
    const { error } = await failure(llm.chat(turn('hi'), { model: '' }));
    expect(error).toMatchObject({ code: 'llm_unreachable', message: expect.stringContaining('ECONNREFUSED') });
  });

  it('session keys: one per conversation, safe characters, no collisions between odd names', () => {
    const client = new OpenClawLlm(llmConfig({ provider: 'openclaw', openclaw: { agent: 'home', session: 'kiwi', nsfw_agent: '', nsfw_session: '' } }));
    expect(client.sessionKeyFor('spk_001')).toBe('agent:home:kiwi-spk_001');
    expect(client.sessionKeyFor('spk_001:nsfw')).toBe('agent:home:kiwi-spk_001-nsfw');
    expect(client.sessionKeyFor()).toBe('agent:home:kiwi-default');
    const a = client.sessionKeyFor('алиса');
    const b = client.sessionKeyFor('борис');
    expect(a).toMatch(/^agent:home:kiwi-[a-z0-9_-]+$/);
    expect(a).not.toBe(b);
  });

  it('gatewayUrl maps http(s) to ws(s) and defaults to the loopback gateway', () => {
    expect(gatewayUrl('')).toBe('ws://127.0.0.1:18789');
    expect(gatewayUrl('http://10.0.0.2:18789/')).toBe('ws://10.0.0.2:18789');
    expect(gatewayUrl('https://gw.example.ts.net')).toBe('wss://gw.example.ts.net');
  });
});
