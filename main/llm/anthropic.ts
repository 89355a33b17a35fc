import { systemClock, type Clock } from '../platform/clock.ts';
import { LlmError } from './errors.ts';
import { parseJson, postJson, sseEvents } from './http.ts';
import { resilienceFor, resilientStream } from './resilient-stream.ts';
import { readConfig, type ChatMessage, type ChatOptions, type HttpClientOptions, type Llm, type LlmConfigSource } from './types.ts';

const SERVICE = 'the Anthropic API';
export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';
export const ANTHROPIC_VERSION = '2023-06-01';
/** Spoken answers are short; this only caps a runaway one. */
const MAX_TOKENS = 1024;

/**
 * Anthropic's Messages API, streamed: POST {base_url}/v1/messages with `stream: true`; the system
 * prompt goes in the top-level `system` field; text arrives in `content_block_delta` events
 * (`text_delta`) and the answer ends with `message_stop`. `error` events are mapped like HTTP errors.
 */
export class AnthropicLlm implements Llm {
  readonly name = 'anthropic';
  readonly #fetch: typeof fetch;
  readonly #clock: Clock;

  constructor(
    private readonly config: LlmConfigSource,
    private readonly options: HttpClientOptions = {},
  ) {
    this.#fetch = options.fetch ?? fetch;
    this.#clock = options.clock ?? systemClock;
  }

  chat(messages: ChatMessage[], options: ChatOptions): AsyncIterable<string> {
    const cfg = readConfig(this.config);
    const url = messagesUrl(cfg.base_url || ANTHROPIC_DEFAULT_BASE_URL);
    const headers: Record<string, string> = { 'anthropic-version': ANTHROPIC_VERSION, ...(cfg.api_key ? { 'x-api-key': cfg.api_key } : {}) };
    const system = messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n\n');
    const body = { model: options.model, max_tokens: MAX_TOKENS, ...(system ? { system } : {}), messages: alternate(messages), stream: true };
    const attempt = (signal: AbortSignal, alive: () => void) => this.#attempt(url, headers, body, signal, alive);
    return resilientStream(attempt, resilienceFor({ ...this.options, clock: this.#clock }, { signal: options.signal, timeoutMs: cfg.timeout_s * 1000, service: SERVICE }));
  }

  async *#attempt(url: string, headers: Record<string, string>, body: unknown, signal: AbortSignal, alive: () => void): AsyncGenerator<string> {
    const response = await postJson(this.#fetch, SERVICE, url, headers, body, signal, this.#clock);
    alive();
    for await (const event of sseEvents(response, SERVICE, signal, alive)) {
      const type = event.event === 'message' ? (parseJson(SERVICE, event.data) as { type?: string }).type : event.event;
      if (type === 'content_block_delta') {
        const delta = (parseJson(SERVICE, event.data) as { delta?: { type?: string; text?: unknown } }).delta;
        if (delta?.type === 'text_delta' && typeof delta.text === 'string') yield delta.text;
      } else if (type === 'message_stop') {
        return;
      } else if (type === 'error') {
        throw streamError(parseJson(SERVICE, event.data));
      }
      // message_start, content_block_start/stop, message_delta, ping: nothing to speak.
    }
    throw new LlmError('llm_unreachable', `${SERVICE} closed the stream before message_stop`, true);
  }
}

/** {base}/v1/messages, whether or not the configured base already ends in /v1. */
export function messagesUrl(base: string): string {
  const trimmed = base.replace(/\/+$/, '');
  return trimmed.endsWith('/v1') ? `${trimmed}/messages` : `${trimmed}/v1/messages`;
}

/**
 * The Messages API wants user/assistant turns alternating and starting with the user: leading
 * assistant turns are dropped and consecutive turns of one role are merged.
 */
function alternate(messages: ChatMessage[]): Array<{ role: 'user' | 'assistant'; content: string }> {
  const out: Array<{ role: 'user' | 'assistant'; content: string }> = [];
  for (const m of messages) {
    if (m.role === 'system') continue;
    if (out.length === 0 && m.role === 'assistant') continue;
    const last = out[out.length - 1];
    if (last && last.role === m.role) last.content += `\n\n${m.content}`;
    else out.push({ role: m.role, content: m.content });
  }
  return out;
}

function streamError(json: unknown): LlmError {
  const error = (json as { error?: { type?: string; message?: string } }).error ?? {};
  const message = `${SERVICE} reported ${error.type ?? 'an error'}: ${error.message ?? 'no message'}`;
  switch (error.type) {
    case 'authentication_error':
    case 'permission_error':
      return new LlmError('llm_unauthorized', message);
    case 'overloaded_error':
    case 'api_error':
    case 'rate_limit_error':
      return new LlmError('llm_unreachable', message, true);
    case 'timeout_error':
      return new LlmError('llm_timeout', message, true);
    default:
      return new LlmError('llm_bad_response', message);
  }
}
