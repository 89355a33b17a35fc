import { afterEach, describe, expect, it } from 'vitest';
import { LlmStandin } from '../testing/llm-standins.ts';
import { ManualClock } from '../timers/testing/manual-clock.ts';
import { createLlm } from './factory.ts';
import { collect, llmConfig } from './testing/collect.ts';

/**
 * The factory hands Kiwi's clock to the HTTP clients: their silence timeout, retry backoff and a
 * Retry-After date all run on it, so a manual clock decides when they fire (no real waiting).
 */
describe('createLlm on Kiwi’s clock', () => {
  let server: LlmStandin | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  const turn = [{ role: 'user' as const, content: 'hi' }];
  const never = new Promise<void>(() => {});
  /** One event carrying the first token, then the end of the answer (which never comes: see `rest`). */
  const firstTokenThenEnd = {
    openai: 'data: {"choices":[{"delta":{"content":"Hello"}}]}\n\ndata: [DONE]\n\n',
    anthropic: 'event: content_block_delta\ndata: {"type":"content_block_delta","delta":{"type":"text_delta","text":"Hello"}}\n\nevent: message_stop\ndata: {"type":"message_stop"}\n\n',
  };

  it.each(['openai', 'anthropic'] as const)('%s: a stream that goes silent after its first token ends with llm_timeout when the clock passes timeout_s', async (provider) => {
    server = await LlmStandin.start(provider);
    // The first token, then nothing: the rest of the answer never comes.
    server.reply({ kind: 'raw', text: firstTokenThenEnd[provider], perEvent: true, rest: never });
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const llm = createLlm(llmConfig({ provider, base_url: server.baseUrl, timeout_s: 30 }), { clock })!;
    const stream = llm.chat(turn, { model: 'm' })[Symbol.asyncIterator]();
    expect(await stream.next()).toEqual({ value: 'Hello', done: false });
    const ending = stream.next().then(
      () => null,
      (error: unknown) => error,
    );
    let ended = false;
    void ending.then(() => (ended = true));
    await expect.poll(() => clock.pendingCount).toBe(1); // the silence timer, armed again after the token
    await clock.advance(29_999);
    expect(ended).toBe(false);
    await clock.advance(1);
    expect(await ending).toMatchObject({ code: 'llm_timeout', status: 504 });
    expect((await server.whenClosed(0)).closedEarly).toBe(true); // the request was stopped
  });

  it('the retry backoff waits exactly 400 ms, then 800 ms on the clock', async () => {
    server = await LlmStandin.start('openai');
    const busy = { kind: 'status' as const, status: 503, body: { error: { message: 'busy' } } };
    server.reply(busy, busy, { kind: 'stream', tokens: ['Third time.'] });
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const llm = createLlm(llmConfig({ provider: 'openai', base_url: server.baseUrl, timeout_s: 30 }), {
      clock,
      http: { retries: 2, backoffMs: 400, maxBackoffMs: 4000, random: () => 0.5 }, // jitter factor 1.0
    })!;
    const answer = collect(llm.chat(turn, { model: 'm' }));
    for (const [tried, wait] of [
      [1, 400],
      [2, 800],
    ] as const) {
      await server.whenClosed(tried - 1);
      // The attempt failed: only its backoff is pending (its silence timer is gone).
      await expect.poll(() => clock.pendingCount).toBe(1);
      await clock.advance(wait - 1);
      expect(server.requests).toHaveLength(tried);
      await clock.advance(1);
    }
    expect((await answer).join('')).toBe('Third time.');
    expect(server.requests).toHaveLength(3);
  });

  it('a Retry-After given as a date is counted from Kiwi’s clock, not the machine’s', async () => {
    server = await LlmStandin.start('openai');
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const retryAt = new Date(clock.now() + 3000).toUTCString();
    server.reply({ kind: 'status', status: 429, body: { error: { message: 'slow down' } }, headers: { 'retry-after': retryAt } }, { kind: 'stream', tokens: ['Now.'] });
    const llm = createLlm(llmConfig({ provider: 'openai', base_url: server.baseUrl, timeout_s: 30 }), {
      clock,
      http: { retries: 1, backoffMs: 400, maxBackoffMs: 4000, random: () => 0.5 },
    })!;
    const answer = collect(llm.chat(turn, { model: 'm' }));
    await server.whenClosed(0);
    await expect.poll(() => clock.pendingCount).toBe(1);
    await clock.advance(2999);
    expect(server.requests).toHaveLength(1);
    await clock.advance(1);
    expect((await answer).join('')).toBe('Now.');
  });
});
