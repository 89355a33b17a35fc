import type http from 'node:http';
import { LoopbackHttpServer } from './loopback-http.ts';
import type { TelegramMessage, TelegramUpdate, TelegramUser } from '../security/telegram/bot-api.ts';

/**
 * A loopback stand-in for the Telegram Bot API server, speaking its wire protocol: POST
 * /bot<token>/<method> with a JSON body, answers `{ok: true, result}` or `{ok: false, error_code,
 * description}`. It implements what Kiwi's approval bot uses: getUpdates long polling (held open
 * until an update arrives or `timeout` seconds pass; `offset` confirms and drops older updates),
 * sendMessage with reply_markup, answerCallbackQuery and editMessageText. Tests play the humans:
 * pressButton() queues a callback_query as Telegram would when someone taps an inline button.
 */
export interface SentMessage {
  message_id: number;
  chat_id: string;
  text: string;
  /** inline_keyboard of the reply_markup, when there was one. */
  buttons: Array<Array<{ text: string; callback_data: string }>> | null;
}

export interface CallbackAnswer {
  callback_query_id: string;
  text?: string;
}

export interface ButtonPress {
  from: Partial<TelegramUser> & { id: number };
  chatId: number;
  messageId: number;
  data: string;
}

export class TelegramStandin {
  readonly sent: SentMessage[] = [];
  readonly answers: CallbackAnswer[] = [];
  readonly edits: Array<{ chat_id: string; message_id: number; text: string }> = [];
  /** Every request: method and JSON body (what the bot sent, for assertions). */
  readonly requests: Array<{ method: string; body: Record<string, unknown> }> = [];
  readonly #updates: TelegramUpdate[] = [];
  readonly #waiters = new Set<() => void>();
  /** Methods whose answers are held back until released (a slow Telegram), with the held answers. */
  readonly #held = new Map<string, Array<() => void>>();
  #nextUpdate = 1000;
  #nextMessage = 1;
  #nextQuery = 1;

  private constructor(
    readonly token: string,
    private readonly server: LoopbackHttpServer,
  ) {}

  static async start(token = '123456:TEST-standin-token'): Promise<TelegramStandin> {
    // No request can come before `standin` is set: nobody knows the port until start() returns.
    const server = await LoopbackHttpServer.start((req, res) => void standin.#handle(req, res));
    const standin = new TelegramStandin(token, server);
    return standin;
  }

  /** The base URL to configure as telegram.api_base_url. */
  get baseUrl(): string {
    return this.server.url;
  }

  /** Someone taps an inline button: a callback_query update for the next getUpdates. */
  pressButton(press: ButtonPress): number {
    const update_id = this.#nextUpdate++;
    const message: TelegramMessage = { message_id: press.messageId, chat: { id: press.chatId, type: 'private' }, date: Math.floor(Date.now() / 1000) };
    this.#push({
      update_id,
      callback_query: {
        id: String(this.#nextQuery++),
        from: { is_bot: false, first_name: 'Tester', ...press.from },
        message,
        chat_instance: '42',
        data: press.data,
      },
    });
    return update_id;
  }

  /** Someone writes in the chat (not a button press). */
  sendText(from: number, chatId: number, text: string): number {
    const update_id = this.#nextUpdate++;
    this.#push({ update_id, message: { message_id: this.#nextMessage++, chat: { id: chatId, type: 'private' }, from: { id: from, is_bot: false }, date: 0, text } });
    return update_id;
  }

  /**
   * Hold back the answers to `method` (a slow Telegram): requests are recorded at once, their
   * answers are sent when the returned function is called.
   */
  hold(method: string): () => void {
    this.#held.set(method, []);
    return () => {
      const answers = this.#held.get(method) ?? [];
      this.#held.delete(method);
      for (const answer of answers) answer();
    };
  }

  /** Resolves once `predicate` holds, polling the recorded traffic. */
  async waitFor(predicate: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`Telegram stand-in: timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Updates not yet confirmed by an offset. */
  get queued(): number {
    return this.#updates.length;
  }

  async close(): Promise<void> {
    for (const wake of this.#waiters) wake();
    await this.server.close();
  }

  #push(update: TelegramUpdate): void {
    this.#updates.push(update);
    for (const wake of this.#waiters) wake();
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
    const send = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/u.exec(req.url ?? '');
    if (!match) return send(404, { ok: false, error_code: 404, description: 'Not Found' });
    if (match[1] !== this.token) return send(401, { ok: false, error_code: 401, description: 'Unauthorized' });
    let body: Record<string, unknown>;
    try {
      const text = Buffer.concat(chunks).toString('utf8');
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      return send(400, { ok: false, error_code: 400, description: 'Bad Request: invalid JSON' });
    }
    const method = match[2]!;
    this.requests.push({ method, body });
    const held = this.#held.get(method);
    if (held) await new Promise<void>((resolve) => held.push(resolve));
    switch (method) {
      case 'getUpdates':
        return send(200, { ok: true, result: await this.#getUpdates(body, res) });
      case 'sendMessage': {
        const markup = body.reply_markup as { inline_keyboard?: SentMessage['buttons'] } | undefined;
        const message: SentMessage = { message_id: this.#nextMessage++, chat_id: String(body.chat_id), text: String(body.text), buttons: markup?.inline_keyboard ?? null };
        this.sent.push(message);
        return send(200, { ok: true, result: { message_id: message.message_id, chat: { id: Number(body.chat_id), type: 'private' }, date: 0, text: message.text } });
      }
      case 'answerCallbackQuery':
        this.answers.push({ callback_query_id: String(body.callback_query_id), ...(body.text ? { text: String(body.text) } : {}) });
        return send(200, { ok: true, result: true });
      case 'editMessageText':
        this.edits.push({ chat_id: String(body.chat_id), message_id: Number(body.message_id), text: String(body.text) });
        return send(200, { ok: true, result: { message_id: Number(body.message_id), chat: { id: Number(body.chat_id), type: 'private' }, date: 0, text: String(body.text) } });
      default:
        return send(404, { ok: false, error_code: 404, description: 'Not Found: method not found' });
    }
  }

  /** Confirm updates below `offset`, then answer with what is left, waiting up to `timeout` seconds for something. */
  async #getUpdates(body: Record<string, unknown>, res: http.ServerResponse): Promise<TelegramUpdate[]> {
    const offset = typeof body.offset === 'number' ? body.offset : undefined;
    if (offset !== undefined) this.#updates.splice(0, this.#updates.filter((u) => u.update_id < offset).length);
    const timeoutS = typeof body.timeout === 'number' ? body.timeout : 0;
    if (this.#updates.length === 0 && timeoutS > 0) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.#waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, timeoutS * 1000);
        this.#waiters.add(done);
        res.once('close', done);
      });
    }
    return [...this.#updates];
  }
}
