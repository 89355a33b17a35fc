import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { OpenClawGatewayStandin } from '../../testing/llm-standins.ts';
import { ManualClock } from '../../timers/testing/manual-clock.ts';
import { createLlm } from '../factory.ts';
import { collect, failure, llmConfig } from '../testing/collect.ts';
import { OpenClawLlm } from './openclaw-llm.ts';

// How often, and after how long, one user request is tried again: 1 + retries attempts, the n-th
// retry after min(maxBackoffMs, backoffMs · 2^(n-1)) (jitter fixed at ±0 here), on Kiwi's clock.
describe('OpenClawLlm retries', () => {
  let llm: OpenClawLlm | undefined;
  let gateway: OpenClawGatewayStandin | undefined;
  const closeAfter: (() => Promise<void>)[] = [];
  afterEach(async () => {
    llm?.close();
    llm = undefined;
    await gateway?.close();
    gateway = undefined;
    for (const close of closeAfter.splice(0)) await close();
  });
  const turn = [{ role: 'user' as const, content: 'hi' }];

  it('a gateway that drops every connection is tried 1 + retries times, after 400 ms then 800 ms on the clock', async () => {
    // Accepts the WebSocket, then hangs up before the handshake: a retryable failure every time.
    const flaky = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => flaky.once('listening', resolve));
    closeAfter.push(() => new Promise((resolve) => flaky.close(() => resolve())));
    let connections = 0;
    flaky.on('connection', (socket) => {
      connections += 1;
      socket.close(1012, 'restarting');
    });
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const base_url = `http://127.0.0.1:${(flaky.address() as AddressInfo).port}`;
    llm = new OpenClawLlm(llmConfig({ provider: 'openclaw', base_url, api_key: 'gw-token', timeout_s: 30 }), {
      retries: 2,
      backoffMs: 400,
      maxBackoffMs: 4000,
      clock,
      random: () => 0.5, // jitter factor 1.0
    });
    const outcome = failure(llm.chat(turn, { model: '' }));

    for (const [attempt, wait] of [
      [1, 400],
      [2, 800],
    ] as const) {
      await expect.poll(() => connections).toBe(attempt);
      // The attempt failed: only its backoff is pending (its silence timer is gone).
      await expect.poll(() => clock.pendingCount).toBe(1);
      await clock.advance(wait - 1);
      expect(connections).toBe(attempt);
      await clock.advance(1);
    }
    const { error } = await outcome;
    expect(error).toMatchObject({ code: 'llm_unreachable', message: expect.stringContaining('closed the connection (1012 restarting)') });
    expect(connections).toBe(3);
    expect(clock.pendingCount).toBe(0);
  });

  it('a gateway that never completes the handshake: 3 attempts of 15 s each, all timed on the clock the factory was given', async () => {
    // Accepts the WebSocket and then says nothing: no challenge, no answer to connect.
    const mute = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => mute.once('listening', resolve));
    closeAfter.push(() => new Promise((resolve) => mute.close(() => resolve())));
    let connections = 0;
    let connectSent = 0;
    mute.on('connection', (socket) => {
      connections += 1;
      socket.on('message', () => (connectSent += 1));
    });
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const base_url = `http://127.0.0.1:${(mute.address() as AddressInfo).port}`;
    const client = createLlm(llmConfig({ provider: 'openclaw', base_url, api_key: 'gw-token', timeout_s: 30 }), {
      clock,
      openclaw: { retries: 2, backoffMs: 400, maxBackoffMs: 4000, random: () => 0.5 },
    });
    llm = client as OpenClawLlm;
    const outcome = failure(client!.chat(turn, { model: '' }));
    for (const attempt of [1, 2, 3]) {
      await expect.poll(() => connections).toBe(attempt);
      // No challenge came: connect goes out after the 750 ms grace, on the clock.
      await expect.poll(() => clock.pendingCount).toBe(3); // silence timeout, handshake timeout, challenge grace
      await clock.advance(749);
      expect(connectSent).toBe(attempt - 1);
      await clock.advance(1);
      await expect.poll(() => connectSent).toBe(attempt);
      // The handshake gives up at 15 s (of the 30 s timeout_s), never sooner.
      await clock.advance(15_000 - 750 - 1);
      expect(llm.pairing.state).toBe('connecting');
      await clock.advance(1);
      await expect.poll(() => llm!.pairing.state).toBe('unreachable');
      if (attempt < 3) await clock.advance(attempt === 1 ? 400 : 800);
    }
    const { error } = await outcome;
    expect(error).toMatchObject({ code: 'llm_timeout', message: expect.stringContaining('did not complete the handshake in 15000 ms') });
    expect(connections).toBe(3);
    expect(clock.pendingCount).toBe(0);
  });

  it('a run the gateway accepted and then failed for rate limits is not sent again: the gateway retried it already', async () => {
    gateway = await OpenClawGatewayStandin.start({ token: 'gw-token' });
    gateway.chat({ deltas: [], end: 'error', errorMessage: 'rate limited after 8 retries', errorKind: 'rate_limit' }, { deltas: ['Second run.'] });
    llm = new OpenClawLlm(llmConfig({ provider: 'openclaw', base_url: gateway.baseUrl, api_key: 'gw-token' }), { retries: 2, backoffMs: 0, maxBackoffMs: 0 });
    const { error } = await failure(llm.chat(turn, { model: '' }));
    expect(error).toMatchObject({ code: 'llm_unreachable', message: expect.stringContaining('rate limited after 8 retries') });
    expect(gateway.calls('chat.send')).toHaveLength(1);
    // The next request is a new run (a new idempotency key) and is answered.
    expect((await collect(llm.chat(turn, { model: '' }))).join('')).toBe('Second run.');
  });
});
