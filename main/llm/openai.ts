import { systemClock, type Clock } from '../platform/clock.ts';
import { LlmError } from './errors.ts';
import { joinUrl, parseJson, postJson, readAll, sseEvents } from './http.ts';
import { resilienceFor, resilientStream } from './resilient-stream.ts';
import { readConfig, type ChatMessage, type ChatOptions, type HttpClientOptions, type Llm, type LlmConfigSource } from './types.ts';

const SERVICE = 'the OpenAI-compatible LLM server';
export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

interface ChunkJson {
  choices?: Array<{ delta?: { content?: unknown }; message?: { content?: unknown }; finish_reason?: unknown }>;
  error?: unknown;
}

/**
 * OpenAI-compatible chat completions, streamed: POST {base_url}/chat/completions with
 * `stream: true`, reading `data:` lines until `[DONE]`. The same wire format is spoken by
 * Ollama, LM Studio, llama.cpp's server, vLLM and OpenRouter (base_url like http://127.0.0.1:11434/v1).
 */
export class OpenAiLlm implements Llm {
  readonly name = 'openai';
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
    const url = chatCompletionsUrl(cfg.base_url || OPENAI_DEFAULT_BASE_URL);
    const headers: Record<string, string> = cfg.api_key ? { authorization: `Bearer ${cfg.api_key}` } : {};
    // An empty model is left out: llama.cpp's server serves its one model without it.
    const body = { ...(options.model ? { model: options.model } : {}), messages: messages.map(({ role, content }) => ({ role, content })), stream: true };
    const attempt = (signal: AbortSignal, alive: () => void) => this.#attempt(url, headers, body, signal, alive);
    return resilientStream(attempt, resilienceFor({ ...this.options, clock: this.#clock }, { signal: options.signal, timeoutMs: cfg.timeout_s * 1000, service: SERVICE }));
  }

  async *#attempt(url: string, headers: Record<string, string>, body: unknown, signal: AbortSignal, alive: () => void): AsyncGenerator<string> {
    const response = await postJson(this.#fetch, SERVICE, url, headers, body, signal, this.#clock);
    alive();
    if ((response.headers.get('content-type') ?? '').includes('application/json')) {
      // A server that ignored `stream: true` sends the whole completion as one document.
      const json = parseJson(SERVICE, await readAll(response, SERVICE, signal, alive)) as ChunkJson;
      checkError(json);
      const content = json.choices?.[0]?.message?.content;
      if (typeof content !== 'string') throw new LlmError('llm_bad_response', `${SERVICE} answered without choices[0].message.content`);
      yield content;
      return;
    }
    for await (const event of sseEvents(response, SERVICE, signal, alive)) {
      if (event.data === '[DONE]') return;
      const json = parseJson(SERVICE, event.data) as ChunkJson;
      checkError(json);
      const choice = json.choices?.[0];
      const content = choice?.delta?.content;
      if (typeof content === 'string' && content) yield content;
      // The answer is complete: some servers then close without [DONE], some (or a proxy) hold the
      // connection open; waiting for more would only end in a timeout after a whole answer.
      if (choice?.finish_reason) return;
    }
    // Neither finish_reason nor [DONE]: the answer was cut off.
    throw new LlmError('llm_unreachable', `${SERVICE} closed the stream before the answer was complete`, true);
  }
}

/**
 * The chat completions endpoint for a configured base_url, however it was written: with or without
 * trailing slashes, the whole endpoint pasted in, or a bare server address. A bare address
 * (http://127.0.0.1:11434, https://api.openai.com) gets /v1, where OpenAI, Ollama, LM Studio,
 * llama.cpp's server and vLLM all serve it; any other path (…/v1, OpenRouter's /api/v1) is kept.
 */
export function chatCompletionsUrl(base: string): string {
  const trimmed = base.replace(/\/+$/, '');
  if (/\/chat\/completions$/i.test(trimmed)) return trimmed;
  // Config validation lets only http(s) URLs through; anything unparsable fails at fetch with its own error.
  const parsed = URL.canParse(trimmed) ? new URL(trimmed) : null;
  const bare = parsed !== null && parsed.pathname === '/' && !parsed.search;
  return joinUrl(trimmed, bare ? '/v1/chat/completions' : '/chat/completions');
}

function checkError(json: ChunkJson): void {
  if (json.error === undefined || json.error === null) return;
  const error = json.error as { message?: unknown; code?: unknown; type?: unknown } | string;
  const message = typeof error === 'string' ? error : typeof error.message === 'string' ? error.message : JSON.stringify(error);
  const code = typeof error === 'object' ? Number(error.code) : NaN;
  if (code === 401 || code === 403) throw new LlmError('llm_unauthorized', `${SERVICE} refused the credentials: ${message}`);
  const busy = code === 429 || code >= 500 || /overload|rate.?limit|unavailable/i.test(message);
  throw new LlmError(busy ? 'llm_unreachable' : 'llm_bad_response', `${SERVICE} reported an error: ${message}`, busy);
}
