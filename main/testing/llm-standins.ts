import type http from 'node:http';
import { LoopbackHttpServer } from './loopback-http.ts';

/**
 * Loopback stand-ins for the LLM services Kiwi talks to, speaking their real wire formats so the
 * clients are tested against the bytes they will meet:
 *   - `openai`: an OpenAI-compatible /v1/chat/completions server streaming SSE `data:` chunks and
 *     `[DONE]` (what OpenAI, Ollama, LM Studio, llama.cpp's server, vLLM and OpenRouter send);
 *   - `anthropic`: Anthropic's /v1/messages streaming named SSE events (message_start …
 *     content_block_delta … message_stop, `error` events).
 *   - `ollama`: Ollama, which serves that same OpenAI-compatible API under /v1 and lists its models
 *     at GET /api/tags (Ollama's own shape) and GET /v1/models (OpenAI's), as the real one does.
 * Each request is recorded (headers and JSON body) so tests can check the prompts that were sent.
 * Replies are scripted per request; a stream is cut into byte chunks of awkward sizes (inside
 * UTF-8 characters, between \r and \n) and can be slowed down to test abort and timeouts.
 * The OpenClaw gateway stand-in lives in main/llm/testing/openclaw-gateway-standin.ts.
 */

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  /** The client went away before the reply was complete (abort, early stop, timeout). */
  closedEarly: boolean;
  /** ms from the request to the client's disconnect, when it closed early. */
  closedAfterMs?: number;
  /** performance.now() when each chunk of the reply reached the socket (a bench times the answer's words by it). */
  writtenAt: number[];
}

export interface Chunking {
  /** Sizes of the byte chunks written, cycled (default: the whole stream in one write). */
  chunkBytes?: number[];
  /** Pause before each chunk after the first. */
  delayMs?: number;
  /** One SSE event per chunk (chunkBytes is ignored): a model writing one token at a time. */
  perEvent?: boolean;
  /** The chunks after the first wait for this (the test decides when the model writes on); a function is awaited before each of them. */
  rest?: Promise<void> | (() => Promise<void>);
}

export type StandinReply =
  /** A successful streamed answer made of these tokens; `cut` drops the connection before the end. */
  | ({ kind: 'stream'; tokens: string[]; cut?: boolean; lineEnd?: '\n' | '\r\n' } & Chunking)
  /** An HTTP error with a JSON body. */
  | { kind: 'status'; status: number; body: unknown; headers?: Record<string, string> }
  /** Exact bytes with status 200 (error events, odd framing). */
  | ({ kind: 'raw'; text: string; contentType?: string } & Chunking)
  /** The socket is destroyed before any answer (a connection reset). */
  | { kind: 'reset' }
  /** Headers are never sent (a hung server). */
  | { kind: 'silent' };

export type StandinKind = 'openai' | 'anthropic' | 'ollama';

export class LlmStandin {
  readonly requests: RecordedRequest[] = [];
  readonly #replies: StandinReply[] = [];
  /** Per request index: resolves when its response closes (finished, or the client left). */
  readonly #closed: Array<{ promise: Promise<RecordedRequest>; resolve: (record: RecordedRequest) => void }> = [];
  #responder: ((body: unknown) => StandinReply | undefined) | null = null;

  private constructor(
    readonly kind: StandinKind,
    private readonly server: LoopbackHttpServer,
    /** The models the model-list endpoints name (openai and ollama). */
    readonly models: string[],
  ) {}

  static async start(kind: StandinKind, options: { models?: string[] } = {}): Promise<LlmStandin> {
    // No request can come before `standin` is set: nobody knows the port until start() returns.
    const server = await LoopbackHttpServer.start((req, res) => void standin.#handle(req, res));
    const standin = new LlmStandin(kind, server, options.models ?? ['standin-model']);
    return standin;
  }

  /** The base_url to configure: http://127.0.0.1:<port>/v1 for openai and ollama, http://127.0.0.1:<port> for anthropic. */
  get baseUrl(): string {
    return this.kind === 'anthropic' ? this.server.url : `${this.server.url}/v1`;
  }

  get port(): number {
    return Number(new URL(this.server.url).port);
  }

  /**
   * Answer by what a request says instead of by order (for a peer such as an agent gateway that
   * makes model calls of its own): `undefined` falls back to the queue.
   */
  respond(by: (body: unknown) => StandinReply | undefined): this {
    this.#responder = by;
    return this;
  }

  /** Queue replies for the next requests, in order; with none queued a request gets "Hello." */
  reply(...replies: StandinReply[]): this {
    this.#replies.push(...replies);
    return this;
  }

  /** Resolves when request `index` (0-based, it may not have arrived yet) is over: answered, or closed early by the client. */
  whenClosed(index: number): Promise<RecordedRequest> {
    return this.#closeSlot(index).promise;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  #closeSlot(index: number) {
    while (this.#closed.length <= index) {
      let resolve!: (record: RecordedRequest) => void;
      const promise = new Promise<RecordedRequest>((r) => (resolve = r));
      this.#closed.push({ promise, resolve });
    }
    return this.#closed[index]!;
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const list = req.method === 'GET' ? this.#modelList(req.url ?? '') : undefined;
    if (list) {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(list));
      return;
    }
    const started = performance.now();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // recorded as text: a test asserting on the body will show what arrived
    }
    const record: RecordedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, closedEarly: false, writtenAt: [] };
    const slot = this.#closeSlot(this.requests.length);
    this.requests.push(record);
    res.on('close', () => {
      if (!res.writableFinished) {
        record.closedEarly = true;
        record.closedAfterMs = performance.now() - started;
      }
      slot.resolve(record);
    });
    const reply = this.#responder?.(body) ?? this.#replies.shift() ?? { kind: 'stream', tokens: ['Hello.'] };
    switch (reply.kind) {
      case 'reset':
        req.socket.destroy();
        return;
      case 'silent':
        return;
      case 'status':
        res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
        res.end(JSON.stringify(reply.body));
        return;
      case 'raw':
        res.writeHead(200, { 'content-type': reply.contentType ?? 'text/event-stream' });
        await writeChunked(res, reply.text, reply, record);
        return;
      case 'stream': {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        const encode = this.kind === 'anthropic' ? anthropicStream : openAiStream;
        const model = (body as { model?: string } | null)?.model ?? 'standin-model';
        const stream = encode(reply.tokens, model, !reply.cut).replace(/\n/g, reply.lineEnd ?? '\n');
        await writeChunked(res, stream, reply, record, reply.cut);
        return;
      }
    }
  }

  /** GET /api/tags (Ollama) and GET /v1/models (OpenAI-compatible servers), in their real shapes. */
  #modelList(path: string): unknown {
    if (path === '/api/tags' && this.kind === 'ollama') {
      const models = this.models.map((name) => ({
        name,
        model: name,
        modified_at: '2026-11-30T09:12:44.101Z',
        size: 2_019_393_189,
        digest: 'a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72',
        details: { parent_model: '', format: 'gguf', family: 'llama', families: ['llama'], parameter_size: '3.2B', quantization_level: 'Q4_K_M' },
      }));
      return { models };
    }
    if (path === '/v1/models' && this.kind !== 'anthropic') {
      return { object: 'list', data: this.models.map((id) => ({ id, object: 'model', created: 1_732_958_764, owned_by: 'library' })) };
    }
    return undefined;
  }
}

async function writeChunked(res: http.ServerResponse, text: string, chunking: Chunking, record: RecordedRequest, cut = false): Promise<void> {
  const bytes = Buffer.from(text, 'utf8');
  const events = chunking.perEvent ? text.split(/(?<=\n\n|\r\n\r\n)/).map((event) => Buffer.byteLength(event, 'utf8')) : [];
  const sizes = events.length ? events : chunking.chunkBytes?.length ? chunking.chunkBytes : [bytes.length];
  let offset = 0;
  for (let i = 0; offset < bytes.length; i++) {
    if (i >= 1 && typeof chunking.rest === 'function') await chunking.rest();
    else if (i === 1 && chunking.rest) await chunking.rest;
    if (i > 0 && chunking.delayMs) await new Promise((r) => setTimeout(r, chunking.delayMs));
    if (res.destroyed) return; // the client left; the record says when
    const size = Math.max(1, sizes[i % sizes.length]!);
    // Wait for each write to reach the socket, so a `cut` drops only what was never sent.
    await new Promise<void>((resolve) => res.write(bytes.subarray(offset, offset + size), () => resolve()));
    record.writtenAt.push(performance.now());
    offset += size;
  }
  if (cut) res.socket?.destroy();
  else res.end();
}

const sse = (data: unknown, event?: string) => `${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`;

/** An OpenAI chat.completion.chunk stream: role chunk, one chunk per token, finish_reason, [DONE]. */
export function openAiStream(tokens: string[], model: string, complete = true): string {
  const base = { id: 'chatcmpl-standin', object: 'chat.completion.chunk', created: 1_700_000_000, model };
  let out = sse({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
  for (const token of tokens) out += sse({ ...base, choices: [{ index: 0, delta: { content: token }, finish_reason: null }] });
  if (complete) out += sse({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }) + 'data: [DONE]\n\n';
  return out;
}

/** An OpenAI stream where the model says `tokens` and then calls one tool (finish_reason tool_calls): what an agent's model sends to run a command. */
export function openAiToolCallStream(tokens: string[], tool: { name: string; arguments: Record<string, unknown> }, model = 'standin-model'): string {
  const base = { id: 'chatcmpl-standin', object: 'chat.completion.chunk', created: 1_700_000_000, model };
  let out = openAiStream(tokens, model, false);
  const call = { index: 0, id: 'call_standin_1', type: 'function', function: { name: tool.name, arguments: JSON.stringify(tool.arguments) } };
  out += sse({ ...base, choices: [{ index: 0, delta: { tool_calls: [call] }, finish_reason: null }] });
  return out + sse({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] }) + 'data: [DONE]\n\n';
}

/** An Anthropic Messages stream with a ping and a comment line, as the API sends them. */
export function anthropicStream(tokens: string[], model: string, complete = true): string {
  let out = sse({ type: 'message_start', message: { id: 'msg_standin', type: 'message', role: 'assistant', model, content: [], stop_reason: null, usage: { input_tokens: 10, output_tokens: 1 } } }, 'message_start');
  out += sse({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start');
  out += sse({ type: 'ping' }, 'ping');
  out += ': keep-alive comment\n\n';
  for (const token of tokens) out += sse({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: token } }, 'content_block_delta');
  if (!complete) return out;
  out += sse({ type: 'content_block_stop', index: 0 }, 'content_block_stop');
  out += sse({ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: tokens.length } }, 'message_delta');
  out += sse({ type: 'message_stop' }, 'message_stop');
  return out;
}

/** An Anthropic mid-stream `error` event (e.g. overloaded_error), after `tokens` text deltas. */
export function anthropicErrorStream(tokens: string[], errorType: string, message: string): string {
  return anthropicStream(tokens, 'standin-model', false) + sse({ type: 'error', error: { type: errorType, message } }, 'error');
}

export { OpenClawGatewayStandin } from '../llm/testing/openclaw-gateway-standin.ts';
