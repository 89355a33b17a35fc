import { afterEach, describe, expect, it } from 'vitest';
import { LlmStandin } from '../testing/llm-standins.ts';
import { AnthropicLlm, createLlm, OpenAiLlm, OpenClawLlm } from './factory.ts';
import { collect, llmConfig } from './testing/collect.ts';
import type { LlmConfig } from './types.ts';

describe('createLlm', () => {
  let server: LlmStandin | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('returns the client for llm.provider, undefined for none', () => {
    expect(createLlm(llmConfig({ provider: 'none' }))).toBeUndefined();
    expect(createLlm(llmConfig({ provider: 'openai' }))).toBeInstanceOf(OpenAiLlm);
    expect(createLlm(llmConfig({ provider: 'anthropic' }))).toBeInstanceOf(AnthropicLlm);
    const openclaw = createLlm(llmConfig({ provider: 'openclaw' }));
    expect(openclaw).toBeInstanceOf(OpenClawLlm);
    expect(openclaw!.name).toBe('openclaw');
  });

  // Stand-in: an OpenAI-compatible server (as Ollama on :11434/v1 would be).
  it('reads base_url, api_key and timeout from a config getter on every request', async () => {
    server = await LlmStandin.start('openai');
    let current: LlmConfig = llmConfig({ provider: 'openai', base_url: server.baseUrl, api_key: 'first-key' });
    const llm = createLlm(() => current)!;
    await collect(llm.chat([{ role: 'user', content: 'a' }], { model: 'm' }));
    current = { ...current, api_key: 'second-key' };
    await collect(llm.chat([{ role: 'user', content: 'b' }], { model: 'm' }));
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(['Bearer first-key', 'Bearer second-key']);
  });
});
