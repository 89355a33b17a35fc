import type { Clock } from '../platform/clock.ts';
import { AnthropicLlm } from './anthropic.ts';
import { OpenAiLlm } from './openai.ts';
import { OpenClawLlm, type OpenClawOptions } from './openclaw/openclaw-llm.ts';
import { readConfig, type HttpClientOptions, type Llm, type LlmConfigSource } from './types.ts';

export interface CreateLlmOptions {
  /** Kiwi's clock: every client times its timeouts, backoff and reconnects on it (tests pass a manual one). */
  clock?: Clock;
  http?: HttpClientOptions;
  /** OpenClaw only: approval callbacks, agent id, retry knobs. */
  openclaw?: OpenClawOptions;
}

/**
 * The LLM client for `llm.provider` (`none` → undefined: only built-in commands and Home Assistant
 * answer). Pass a getter for `config` so base_url, model, api_key and timeout_s changes apply on the
 * next request; a provider change needs a new client (LlmSlot.rebuild: the audio models stay).
 */
export function createLlm(config: LlmConfigSource, options: CreateLlmOptions = {}): Llm | undefined {
  const provider = readConfig(config).provider;
  // The runtime's clock wins over one set per client: one Kiwi, one time.
  const clock = options.clock ? { clock: options.clock } : {};
  switch (provider) {
    case 'none':
      return undefined;
    case 'openai':
      return new OpenAiLlm(config, { ...options.http, ...clock });
    case 'anthropic':
      return new AnthropicLlm(config, { ...options.http, ...clock });
    case 'openclaw':
      return new OpenClawLlm(config, { ...options.openclaw, ...clock });
  }
}

export { AnthropicLlm, OpenAiLlm, OpenClawLlm };
