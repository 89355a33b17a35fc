import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { anthropicErrorStream, LlmStandin } from '../testing/llm-standins.ts';
import { AnthropicLlm, messagesUrl } from './anthropic.ts';
import { collect, failure, llmConfig } from './testing/collect.ts';

// The stand-in speaks Anthropic's Messages API streaming format: named SSE events message_start,
// content_block_start, ping, content_block_delta (text_delta), content_block_stop, message_delta,
// message_stop, and `error` events — what api.anthropic.com sends.
describe('AnthropicLlm against a Messages API stand-in', () => {
  let server: LlmStandin;
  const fast = { retries: 2, backoffMs: 5, maxBackoffMs: 20 };
  const config = () => llmConfig({ provider: 'anthropic', base_url: server.baseUrl, api_key: 'sk-ant-test' });
  beforeEach(async () => {
    server = await LlmStandin.start('anthropic');
  });
  afterEach(async () => {
    await server.close();
  });

  it('streams text deltas split at awkward byte boundaries; sends the system prompt as `system`', async () => {
    const tokens = ['Guten ', 'Tag! ', 'Schön, ', 'dass du da bist… ', '😀'];
    server.reply({ kind: 'stream', tokens, chunkBytes: [3, 1, 11, 2], lineEnd: '\r\n' });
    const llm = new AnthropicLlm(config(), fast);
    const messages = [
      { role: 'system' as const, content: 'You are Kiwi.' },
      { role: 'assistant' as const, content: 'a leading assistant turn is dropped' },
      { role: 'user' as const, content: 'Hi' },
      { role: 'assistant' as const, content: 'Hello!' },
      { role: 'user' as const, content: 'Part one.' },
      { role: 'user' as const, content: 'Part two.' },
    ];
    expect((await collect(llm.chat(messages, { model: 'claude-sonnet-4-5' }))).join('')).toBe(tokens.join(''));
    const request = server.requests[0]!;
    expect(request.path).toBe('/v1/messages');
    expect(request.headers['x-api-key']).toBe('sk-ant-test');
    expect(request.headers['anthropic-version']).toBe('2023-06-01');
    expect(request.headers.authorization).toBeUndefined();
    expect(request.body).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 1024,
      system: 'You are Kiwi.',
      stream: true,
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello!' },
        { role: 'user', content: 'Part one.\n\nPart two.' },
      ],
    });
  });

  it('an overloaded_error event before the first token is retried; 529 too', async () => {
    server.reply(
      { kind: 'raw', text: anthropicErrorStream([], 'overloaded_error', 'Overloaded') },
      { kind: 'status', status: 529, body: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } },
      { kind: 'stream', tokens: ['Back.'] },
    );
    expect(await collect(new AnthropicLlm(config(), fast).chat([{ role: 'user', content: 'x' }], { model: 'm' }))).toEqual(['Back.']);
    expect(server.requests).toHaveLength(3);
  });

  it('an error event after text has been streamed ends the answer with an error, no retry', async () => {
    server.reply({ kind: 'raw', text: anthropicErrorStream(['Once upon ', 'a time'], 'overloaded_error', 'Overloaded') });
    const { error, items } = await failure(new AnthropicLlm(config(), fast).chat([{ role: 'user', content: 'x' }], { model: 'm' }));
    expect(items.join('')).toBe('Once upon a time');
    expect(error).toMatchObject({ code: 'llm_unreachable' });
    expect((error as Error).message).toContain('overloaded_error');
    expect(server.requests).toHaveLength(1);
  });

  it.each([
    [401, 'authentication_error', 'invalid x-api-key', 'llm_unauthorized'],
    [400, 'invalid_request_error', 'max_tokens: field required', 'llm_bad_response'],
    [404, 'not_found_error', 'model: claude-nope', 'llm_bad_response'],
  ])('HTTP %i %s → %s', async (status, type, message, code) => {
    server.reply({ kind: 'status', status, body: { type: 'error', error: { type, message } } });
    const { error } = await failure(new AnthropicLlm(config(), fast).chat([{ role: 'user', content: 'x' }], { model: 'm' }));
    expect(error).toMatchObject({ code });
    expect((error as Error).message).toContain(message);
    expect(server.requests).toHaveLength(1);
  });

  it('a stream that ends without message_stop is an error', async () => {
    server.reply({ kind: 'stream', tokens: ['cut'], cut: true });
    const { error } = await failure(new AnthropicLlm(config(), { ...fast, retries: 0 }).chat([{ role: 'user', content: 'x' }], { model: 'm' }));
    expect(error).toMatchObject({ code: 'llm_unreachable' });
  });

  it('aborting mid-stream ends at once', async () => {
    // The rest of the answer is a minute away: a client that waited for data after the abort would time the test out.
    server.reply({ kind: 'stream', tokens: ['One. ', 'Two. ', 'Three.'], chunkBytes: [600, 100], delayMs: 60_000 });
    const controller = new AbortController();
    const seen: string[] = [];
    const run = (async () => {
      for await (const token of new AnthropicLlm(config(), fast).chat([{ role: 'user', content: 'x' }], { model: 'm', signal: controller.signal })) {
        seen.push(token);
        controller.abort();
      }
    })();
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toEqual(['One. ']);
    expect((await server.whenClosed(0)).closedEarly).toBe(true);
  });

  it('messagesUrl accepts a base with or without /v1', () => {
    expect(messagesUrl('https://api.anthropic.com')).toBe('https://api.anthropic.com/v1/messages');
    expect(messagesUrl('https://proxy.local/anthropic/v1/')).toBe('https://proxy.local/anthropic/v1/messages');
  });
});
