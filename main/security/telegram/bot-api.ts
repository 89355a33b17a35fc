import { KiwiError, describeError } from '../../platform/errors.ts';

/** The parts of the Telegram Bot API objects Kiwi reads (https://core.telegram.org/bots/api). */
export interface TelegramUser {
  id: number;
  is_bot: boolean;
  first_name?: string;
  username?: string;
}
export interface TelegramChat {
  id: number;
  type: string;
}
export interface TelegramMessage {
  message_id: number;
  chat: TelegramChat;
  from?: TelegramUser;
  date: number;
  text?: string;
}
export interface TelegramCallbackQuery {
  id: string;
  from: TelegramUser;
  message?: TelegramMessage;
  chat_instance?: string;
  data?: string;
}
export interface TelegramUpdate {
  update_id: number;
  message?: TelegramMessage;
  callback_query?: TelegramCallbackQuery;
}
export interface InlineButton {
  text: string;
  /** 1-64 bytes, echoed back in the callback query. */
  callback_data: string;
}

/** What Telegram's bare "401 Unauthorized" and "404 Not Found" mean for the owner's settings. */
const TOKEN_HINTS: Record<number, string> = {
  401: ' (Telegram does not accept telegram.bot_token: copy it again from @BotFather)',
  404: ' (no bot has this telegram.bot_token, or telegram.api_base_url is not a Bot API server)',
};

/** A Bot API answer with ok:false, or a transport failure; never carries the token (it is in the URL). */
export class TelegramApiError extends KiwiError {
  constructor(
    message: string,
    readonly telegramCode: number | null,
    /** Seconds Telegram asks to wait (429 Too Many Requests). */
    readonly retryAfter: number | null,
  ) {
    super('telegram_error', message, 502);
  }
}

export interface TelegramBotApiOptions {
  /** https://api.telegram.org, or a stand-in speaking the same protocol. */
  baseUrl: string;
  token: string;
  fetch?: typeof fetch;
  /** Timeout of ordinary calls; getUpdates waits its long-poll timeout plus this. */
  timeoutMs?: number;
}

/**
 * A small client for the Telegram Bot API over HTTPS with JSON bodies: the methods Kiwi's
 * approval bot needs (getUpdates long polling, sendMessage with an inline keyboard,
 * answerCallbackQuery, editMessageText).
 */
export class TelegramBotApi {
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;

  constructor(private readonly options: TelegramBotApiOptions) {
    this.#fetch = options.fetch ?? fetch;
    this.#timeoutMs = options.timeoutMs ?? 15_000;
  }

  async call<T>(method: string, params: Record<string, unknown>, signal?: AbortSignal, extraTimeoutMs = 0): Promise<T> {
    const url = `${this.options.baseUrl.replace(/\/+$/u, '')}/bot${this.options.token}/${method}`;
    const timeout = AbortSignal.timeout(this.#timeoutMs + extraTimeoutMs);
    let response: Response;
    try {
      response = await this.#fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(params),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (err) {
      if (signal?.aborted) throw err;
      // The error text of fetch can quote the URL, which holds the token: say only what failed.
      const reason = timeout.aborted ? 'timed out' : describeError((err as Error & { cause?: unknown }).cause ?? err).replaceAll(this.options.token, '<token>');
      throw new TelegramApiError(`Telegram ${method}: ${reason}`, null, null);
    }
    let body: { ok?: boolean; result?: T; error_code?: number; description?: string; parameters?: { retry_after?: number } };
    try {
      body = (await response.json()) as typeof body;
    } catch {
      throw new TelegramApiError(`Telegram ${method}: HTTP ${response.status} with a body that is not JSON`, response.status, null);
    }
    if (!body.ok) {
      const code = body.error_code ?? response.status;
      throw new TelegramApiError(`Telegram ${method}: ${code} ${body.description ?? 'error'}${TOKEN_HINTS[code] ?? ''}`, code, body.parameters?.retry_after ?? null);
    }
    return body.result as T;
  }

  /** Long polling: waits up to `timeoutS` seconds for updates with update_id >= offset (and confirms the older ones). */
  getUpdates(params: { offset?: number; timeoutS: number; allowedUpdates: string[] }, signal?: AbortSignal): Promise<TelegramUpdate[]> {
    return this.call<TelegramUpdate[]>(
      'getUpdates',
      { offset: params.offset, timeout: params.timeoutS, allowed_updates: params.allowedUpdates },
      signal,
      params.timeoutS * 1000,
    );
  }

  sendMessage(chatId: string, text: string, buttons?: InlineButton[][]): Promise<TelegramMessage> {
    return this.call<TelegramMessage>('sendMessage', {
      chat_id: chatId,
      text,
      ...(buttons ? { reply_markup: { inline_keyboard: buttons } } : {}),
    });
  }

  answerCallbackQuery(callbackQueryId: string, text?: string): Promise<boolean> {
    return this.call<boolean>('answerCallbackQuery', { callback_query_id: callbackQueryId, ...(text ? { text } : {}) });
  }

  /** Replaces the text; without reply_markup the inline keyboard goes away. */
  editMessageText(chatId: string, messageId: number, text: string): Promise<TelegramMessage | boolean> {
    return this.call<TelegramMessage | boolean>('editMessageText', { chat_id: chatId, message_id: messageId, text });
  }
}
