import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LlmStandin, openAiStream } from '../testing/llm-standins.ts';
import { LlmError } from './errors.ts';
import { ManualClock } from '../timers/testing/manual-clock.ts';
import { OpenAiLlm } from './openai.ts';
import { closedPort, collect, failure, llmConfig } from './testing/collect.ts';

// The stand-in speaks the OpenAI chat-completions streaming format (SSE `data:` chunks, [DONE]),
// which is what OpenAI, Ollama, LM Studio, llama.cpp's server, vLLM and OpenRouter send.
describe('OpenAiLlm against an OpenAI-compatible server stand-in', () => {
  let server: LlmStandin;
  const fast = { retries: 2, backoffMs: 5, maxBackoffMs: 20 };
  const messages = [
    { role: 'system' as const, content: 'You are Kiwi.' },
    { role: 'user' as const, content: 'Say hello' },
  ];
  beforeEach(async () => {
    server = await LlmStandin.start('openai');
  });
  afterEach(async () => {
    await server.close();
  });

  it('streams the tokens, whatever byte boundaries the chunks split at (inside UTF-8 characters, \\r\\n)', async () => {
    const tokens = ['Прив', 'ет, ', 'мир! ', '你好', '。', ' 🙂 ', 'done.'];
    for (const chunkBytes of [[1], [2, 3], [7, 1, 13], [64]]) {
      server.reply({ kind: 'stream', tokens, chunkBytes, lineEnd: '\r\n' });
      const llm = new OpenAiLlm(llmConfig({ base_url: server.baseUrl, api_key: 'sk-test' }), fast);
      expect((await collect(llm.chat(messages, { model: 'llama3.2' }))).join('')).toBe(tokens.join(''));
    }
    const request = server.requests.at(-1)!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v1/chat/completions');
    expect(request.headers.authorization).toBe('Bearer sk-test');
    expect(request.body).toEqual({ model: 'llama3.2', messages, stream: true });
  });

  it('a stand-in writing one event per token: each token reaches the client in its own write, timed', async () => {
    const tokens = ['Penguins ', 'live ', 'far ', 'south, ', 'mostly.'];
    server.reply({ kind: 'stream', tokens, perEvent: true, delayMs: 5 });
    const llm = new OpenAiLlm(llmConfig({ base_url: server.baseUrl }), fast);
    expect(await collect(llm.chat(messages, { model: 'llama3.2' }))).toEqual(tokens);
    // The role chunk, one per token, the finish chunk and (unless the client, which leaves at
    // finish_reason, is gone by then) [DONE]: the bench reads "south, " at index 4.
    const { writtenAt } = await server.whenClosed(server.requests.length - 1);
    expect(writtenAt.length).toBeGreaterThanOrEqual(tokens.length + 2);
    expect(writtenAt.length).toBeLessThanOrEqual(tokens.length + 3);
    expect(writtenAt[4]! - writtenAt[0]!).toBeGreaterThanOrEqual(4 * 5 - 1);
  });

  it('sends no Authorization header without a key and leaves out an empty model', async () => {
    const llm = new OpenAiLlm(llmConfig({ base_url: server.baseUrl }), fast);
    expect(await collect(llm.chat(messages, { model: '' }))).toEqual(['Hello.']);
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
    expect(server.requests[0]!.body).toEqual({ messages, stream: true });
  });

  it('retries 429 and 5xx before the first token, then streams', async () => {
    server.reply(
      { kind: 'status', status: 429, body: { error: { message: 'slow down' } }, headers: { 'retry-after': '0' } },
      { kind: 'status', status: 503, body: { error: 'loading model' } },
      { kind: 'reset' },
      { kind: 'stream', tokens: ['Fine', '.'] },
    );
    const llm = new OpenAiLlm(llmConfig({ base_url: server.baseUrl }), { ...fast, retries: 3 });
    expect((await collect(llm.chat(messages, { model: 'm' }))).join('')).toBe('Fine.');
    expect(server.requests).toHaveLength(4);
  });

  it('gives up after the retries with llm_unreachable naming the status', async () => {
    server.reply(...Array.from({ length: 3 }, () => ({ kind: 'status' as const, status: 502, body: { error: { message: 'bad gateway' } } })));
    const { error } = await failure(new OpenAiLlm(llmConfig({ base_url: server.baseUrl }), fast).chat(messages, { model: 'm' }));
    expect(error).toBeInstanceOf(LlmError);
    expect(error).toMatchObject({ code: 'llm_unreachable', status: 503 });
    expect((error as Error).message).toContain('HTTP 502');
    expect((error as Error).message).toContain('bad gateway');
    expect(server.requests).toHaveLength(3);
  });

  it.each([
    [401, 'llm_unauthorized', 'Incorrect API key provided'],
    [403, 'llm_unauthorized', 'forbidden'],
    [404, 'llm_bad_response', "model 'nope' not found"],
    [400, 'llm_bad_response', 'messages: field required'],
  ])('HTTP %i → %s without retrying', async (status, code, message) => {
    server.reply({ kind: 'status', status, body: { error: { message, type: 'invalid_request_error' } } });
    const { error } = await failure(new OpenAiLlm(llmConfig({ base_url: server.baseUrl }), fast).chat(messages, { model: 'nope' }));
    expect(error).toMatchObject({ code });
    expect((error as Error).message).toContain(message);
    expect(server.requests).toHaveLength(1);
  });

  it('an error object inside the stream (Ollama, vLLM) is llm_bad_response', async () => {
    server.reply({ kind: 'raw', text: 'data: {"error":{"message":"context length exceeded","code":400}}\n\n' });
    const { error } = await failure(new OpenAiLlm(llmConfig({ base_url: server.baseUrl }), fast).chat(messages, { model: 'm' }));
    expect(error).toMatchObject({ code: 'llm_bad_response' });
    expect((error as Error).message).toContain('context length exceeded');
  });

  it('finds /v1/chat/completions however base_url is written (bare address, trailing slashes, the whole endpoint)', async () => {
    const origin = server.baseUrl.replace(/\/v1$/, '');
    for (const base of [origin, `${origin}/`, `${origin}/v1`, `${origin}/v1//`, `${origin}/v1/chat/completions`, `${origin}/v1/chat/completions/`]) {
      server.reply({ kind: 'stream', tokens: ['Hi.'] });
      expect(await collect(new OpenAiLlm(llmConfig({ base_url: base }), fast).chat(messages, { model: 'm' })), base).toEqual(['Hi.']);
      expect(server.requests.at(-1)!.path, base).toBe('/v1/chat/completions');
    }
    // A path of its own (OpenRouter's /api/v1) is kept as it is.
    server.reply({ kind: 'stream', tokens: ['Hi.'] });
    await collect(new OpenAiLlm(llmConfig({ base_url: `${origin}/api/v1` }), fast).chat(messages, { model: 'm' }));
    expect(server.requests.at(-1)!.path).toBe('/api/v1/chat/completions');
  });

  it('a 404 names the address that was asked, so a wrong base_url can be seen', async () => {
    server.reply({ kind: 'status', status: 404, body: '404 page not found' });
    const { error } = await failure(new OpenAiLlm(llmConfig({ base_url: `${server.baseUrl}/extra` }), fast).chat(messages, { model: 'm' }));
    expect(error).toMatchObject({ code: 'llm_bad_response' });
    expect((error as Error).message).toContain(`(HTTP 404): POST ${server.baseUrl}/extra/chat/completions: "404 page not found"`);
  });

  it('an API key the server quotes back in its error never reaches the error message', async () => {
    const key = 'sk-proj-Secret1234567890';
    server.reply(
      { kind: 'status', status: 401, body: { error: { message: `Incorrect API key provided: ${key}.` } } },
      { kind: 'status', status: 400, body: { error: { message: `bad request (Authorization: Bearer ${key})` } } },
    );
    for (const code of ['llm_unauthorized', 'llm_bad_response']) {
      const { error } = await failure(new OpenAiLlm(llmConfig({ base_url: server.baseUrl, api_key: key }), fast).chat(messages, { model: 'm' }));
      expect(error).toMatchObject({ code });
      expect((error as Error).message).not.toContain(key);
      expect((error as Error).message).toContain('********');
    }
  });

  it('an answer that finished (finish_reason) ends there, even if the server holds the connection open without [DONE]', async () => {
    const complete = openAiStream(['All of it. ', 'Really.'], 'm');
    const finished = complete.slice(0, complete.indexOf('data: [DONE]'));
    // [DONE] never comes: the server (or a proxy in front of it) keeps the connection open.
    server.reply({ kind: 'raw', text: `${finished}data: [DONE]\n\n`, chunkBytes: [Buffer.byteLength(finished)], rest: new Promise(() => undefined) });
    const llm = new OpenAiLlm(llmConfig({ base_url: server.baseUrl, timeout_s: 60 }), fast);
    expect(await collect(llm.chat(messages, { model: 'm' }))).toEqual(['All of it. ', 'Really.']);
    expect((await server.whenClosed(0)).closedEarly).toBe(true);
  });

  it('a 429 whose Retry-After is longer than a voice answer can wait fails at once, without retries that would be refused too', async () => {
    server.reply(...Array.from({ length: 3 }, () => ({ kind: 'status' as const, status: 429, body: { error: { message: 'Rate limit reached' } }, headers: { 'retry-after': '30' } })));
    const { error } = await failure(new OpenAiLlm(llmConfig({ base_url: server.baseUrl }), fast).chat(messages, { model: 'm' }));
    expect(error).toMatchObject({ code: 'llm_unreachable', retryAfterMs: 30_000 });
    expect(server.requests).toHaveLength(1);
  });

  it('accepts a server that ignores stream:true and answers with one JSON document', async () => {
    server.reply({ kind: 'raw', contentType: 'application/json', text: JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: 'Whole answer.' }, finish_reason: 'stop' }] }) });
    expect(await collect(new OpenAiLlm(llmConfig({ base_url: server.baseUrl }), fast).chat(messages, { model: 'm' }))).toEqual(['Whole answer.']);
  });

  it('a stream cut after the first token fails without a retry (an answer is never started twice)', async () => {
    server.reply({ kind: 'stream', tokens: ['Half ', 'an answer'], cut: true, chunkBytes: [40], delayMs: 5 });
    const { error, items } = await failure(new OpenAiLlm(llmConfig({ base_url: server.baseUrl }), fast).chat(messages, { model: 'm' }));
    expect(items.join('')).toBe('Half an answer');
    expect(error).toMatchObject({ code: 'llm_unreachable' });
    expect(server.requests).toHaveLength(1);
  });

  it('nothing listening → llm_unreachable after the retries', async () => {
    const port = await closedPort();
    let attempts = 0;
    const counting: typeof fetch = (input, init) => {
      attempts += 1;
      return fetch(input, init);
    };
    const { error } = await failure(new OpenAiLlm(llmConfig({ base_url: `http://127.0.0.1:${port}/v1` }), { ...fast, fetch: counting }).chat(messages, { model: 'm' }));
    expect(error).toMatchObject({ code: 'llm_unreachable' });
    expect((error as Error).message).toContain('ECONNREFUSED');
    expect(attempts).toBe(1 + fast.retries); // the first try and each retry, then it gives up
  });

  it('aborting mid-stream ends the iteration at once and closes the request', async () => {
    // The rest of the answer is a minute away: a client that waited for data after the abort would time the test out.
    server.reply({ kind: 'stream', tokens: ['One. ', 'Two. ', 'Three. ', 'Four.'], chunkBytes: [600, 150], delayMs: 60_000 });
    const controller = new AbortController();
    const llm = new OpenAiLlm(llmConfig({ base_url: server.baseUrl }), fast);
    const seen: string[] = [];
    const run = (async () => {
      for await (const token of llm.chat(messages, { model: 'm', signal: controller.signal })) {
        seen.push(token);
        if (seen.length === 1) setImmediate(() => controller.abort());
      }
    })();
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toEqual(['One. ', 'Two. '].slice(0, seen.length)); // what the first 600 bytes held (One, Two), nothing after
    expect(seen.length).toBeGreaterThan(0);
    expect((await server.whenClosed(0)).closedEarly).toBe(true);
  });

  it('an abort during the backoff between retries is honoured at once', async () => {
    server.reply({ kind: 'status', status: 503, body: {} }, { kind: 'stream', tokens: ['late'] });
    const controller = new AbortController();
    // A minute of backoff: only an honoured abort ends the run within the test's time.
    const llm = new OpenAiLlm(llmConfig({ base_url: server.baseUrl }), { retries: 2, backoffMs: 60_000, maxBackoffMs: 60_000 });
    const run = collect(llm.chat(messages, { model: 'm', signal: controller.signal }));
    await server.whenClosed(0); // the 503 was answered: the client is in its backoff now
    controller.abort();
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(server.requests).toHaveLength(1);
  });

  // The silence timeout on a manual clock: it decides when the timer fires, so each case proves "not before, and then at once" without waiting.
  const onClock = () => new ManualClock('2026-01-01T00:00:00Z');
  /** The stand-in streams `tokens` one event at a time, each after the first when the returned `writeOn` says. */
  const gatedReply = (tokens: string[]) => {
    const gates: Array<() => void> = [];
    server.reply({ kind: 'stream', tokens, perEvent: true, rest: () => new Promise<void>((resolve) => gates.push(resolve)) });
    return async () => {
      await expect.poll(() => gates.length).toBe(1); // the server waits to write its next event
      gates.shift()!();
    };
  };
  /** After the last token: finish_reason and [DONE], one event each, end the stream. */
  const finishes = async (stream: AsyncIterator<string>, writeOn: () => Promise<void>) => {
    const end = stream.next();
    await writeOn();
    await writeOn();
    expect(await end).toEqual({ value: undefined, done: true });
  };

  it('a silent server times out after llm.timeout_s on the clock with llm_timeout, not before', async () => {
    server.reply({ kind: 'silent' });
    const clock = onClock();
    let ended = false;
    const ending = failure(new OpenAiLlm(llmConfig({ base_url: server.baseUrl, timeout_s: 30 }), { ...fast, clock }).chat(messages, { model: 'm' }));
    void ending.then(
      () => (ended = true),
      () => (ended = true),
    );
    await expect.poll(() => server.requests.length).toBe(1);
    await expect.poll(() => clock.pendingCount).toBe(1); // the silence timer
    await clock.advance(29_999);
    expect(ended).toBe(false);
    await clock.advance(1);
    expect((await ending).error).toMatchObject({ code: 'llm_timeout', status: 504 });
    expect((await server.whenClosed(0)).closedEarly).toBe(true);
  });

  it('a slow consumer (speech playing) is not a backend stall', async () => {
    const tokens = ['a', 'b', 'c'];
    const writeOn = gatedReply(tokens);
    const clock = onClock();
    const stream = new OpenAiLlm(llmConfig({ base_url: server.baseUrl, timeout_s: 1 }), { ...fast, clock }).chat(messages, { model: 'm' })[Symbol.asyncIterator]();
    for (const token of tokens) {
      const next = stream.next();
      await writeOn();
      expect(await next).toEqual({ value: token, done: false });
      // The consumer holds the token for twice the silence timeout on the clock (the server waits for it meanwhile).
      await clock.advance(2000);
    }
    await finishes(stream, writeOn);
  });

  it('a stream that keeps sending within the timeout never times out', async () => {
    // Before each token the server is silent for 0.9 × timeout_s on the clock: 3.6 s in all, more than three times the timeout.
    const tokens = ['One. ', 'Two. ', 'Three. ', 'Four.'];
    const writeOn = gatedReply(tokens);
    const clock = onClock();
    const stream = new OpenAiLlm(llmConfig({ base_url: server.baseUrl, timeout_s: 1 }), { ...fast, clock }).chat(messages, { model: 'm' })[Symbol.asyncIterator]();
    for (const token of tokens) {
      const next = stream.next();
      await clock.advance(900);
      await writeOn();
      expect(await next).toEqual({ value: token, done: false });
    }
    await finishes(stream, writeOn);
  });
});
