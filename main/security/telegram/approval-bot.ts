import { KiwiError, describeError } from '../../platform/errors.ts';
import type { Approval, ApprovalChannel, Resolver } from '../approvals.ts';
import { securityReply } from '../locale.ts';
import { TelegramApiError, type TelegramBotApi, type TelegramCallbackQuery, type TelegramUpdate } from './bot-api.ts';
import { abortableSleep } from '../../platform/abortable-sleep.ts';

export interface ApprovalBotOptions {
  api: TelegramBotApi;
  /** The chat approval requests go to; button presses from any other chat are ignored. */
  chatId: string;
  /** The owner's Telegram user id; button presses from anyone else are ignored. */
  ownerUserId: string;
  language: () => string;
  /** Who asked, for the message ("Anna", "an unknown voice"). */
  speakerName: (approval: Approval) => string;
  resolve: (approvalId: string, status: 'approved' | 'denied', by: Resolver) => Promise<unknown>;
  now: () => number;
  /** Telegram failures (network, bad token): reported, then retried with backoff. */
  onError: (err: unknown) => void;
  /** Updates that failed verification (wrong chat, wrong sender, unknown message), for logs and tests. */
  onIgnored?: (update: TelegramUpdate, reason: string) => void;
  pollTimeoutS?: number;
}

const CALLBACK = /^(a|d):(apr_[0-9a-f]{16})$/u;
const MAX_BACKOFF_MS = 60_000;

/**
 * Approvals in Telegram: each request is sent to the owner's chat with Approve / Deny buttons,
 * and button presses arrive by getUpdates long polling. A press counts only when it comes from
 * the configured owner's account (callback_query.from.id), in the configured chat
 * (callback_query.message.chat.id), on the very message Kiwi sent for that approval; anything else
 * is ignored without an answer. Once resolved (by any channel) the message is edited to say how.
 */
export class TelegramApprovalBot {
  /** approval id → the message that carries its buttons. */
  readonly #messages = new Map<string, number>();
  /** approval id → its message while Telegram has not confirmed it yet (an answer by voice can come first). */
  readonly #sending = new Map<string, Promise<unknown>>();
  #offset: number | undefined;
  #controller: AbortController | null = null;
  #loop: Promise<void> | null = null;

  constructor(private readonly options: ApprovalBotOptions) {}

  start(): void {
    if (this.#loop) return;
    const controller = new AbortController();
    this.#controller = controller;
    this.#loop = this.#poll(controller.signal);
  }

  async stop(): Promise<void> {
    this.#controller?.abort(new KiwiError('stopped', 'Telegram approvals stopped'));
    await this.#loop;
    this.#loop = null;
    this.#controller = null;
  }

  /** Send the request to the owner's chat with its buttons. */
  async notify(approval: Approval): Promise<void> {
    const language = this.options.language();
    const say = (key: Parameters<typeof securityReply>[1], values: Record<string, string | number> = {}) => securityReply(language, key, values);
    const minutes = Math.max(1, Math.ceil((approval.expiresAt - this.options.now()) / 60_000));
    const text = say('telegram_request', {
      n: approval.number,
      speaker: this.options.speakerName(approval),
      text: approval.request.text,
      severity: approval.severity === 'safe' ? approval.severity : say(`severity_${approval.severity}`),
      minutes,
    });
    const sent = this.options.api
      .sendMessage(this.options.chatId, text, [
        [
          { text: say('telegram_approve'), callback_data: `a:${approval.id}` },
          { text: say('telegram_deny'), callback_data: `d:${approval.id}` },
        ],
      ])
      .then((message) => void this.#messages.set(approval.id, message.message_id));
    this.#sending.set(approval.id, sent.catch(() => undefined)); // the failure is notify's caller's
    try {
      await sent;
    } finally {
      this.#sending.delete(approval.id);
    }
  }

  /** The approval ended: replace the buttons with how it ended. */
  async finished(approval: Approval): Promise<void> {
    await this.#sending.get(approval.id);
    const messageId = this.#messages.get(approval.id);
    if (messageId === undefined) return;
    this.#messages.delete(approval.id);
    const language = this.options.language();
    const original = securityReply(language, 'request_item', { n: approval.number, text: approval.request.text });
    await this.options.api.editMessageText(this.options.chatId, messageId, `${original}\n${outcomeText(approval, language)}`);
  }

  async #poll(signal: AbortSignal): Promise<void> {
    let backoff = 1000;
    while (!signal.aborted) {
      try {
        const updates = await this.options.api.getUpdates(
          { offset: this.#offset, timeoutS: this.options.pollTimeoutS ?? 25, allowedUpdates: ['callback_query'] },
          signal,
        );
        backoff = 1000;
        for (const update of updates) {
          this.#offset = update.update_id + 1; // confirms it: Telegram will not send it again
          await this.#handle(update).catch((err: unknown) => this.options.onError(err));
        }
      } catch (err) {
        if (signal.aborted) return;
        this.options.onError(err);
        const wait = err instanceof TelegramApiError && err.retryAfter ? err.retryAfter * 1000 : backoff;
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        await abortableSleep(wait, signal);
      }
    }
  }

  async #handle(update: TelegramUpdate): Promise<void> {
    const query = update.callback_query;
    if (!query) return this.#ignore(update, 'not a button press');
    const problem = this.#verify(query);
    if (problem) return this.#ignore(update, problem);
    const [, action, id] = CALLBACK.exec(query.data!)!;
    const by: Resolver = { channel: 'telegram' satisfies ApprovalChannel, who: String(query.from.id) };
    let answer: string;
    try {
      await this.options.resolve(id!, action === 'a' ? 'approved' : 'denied', by);
      answer = securityReply(this.options.language(), action === 'a' ? 'outcome_approved' : 'outcome_denied', {
        channel: securityReply(this.options.language(), 'channel_telegram'),
      });
    } catch (err) {
      // Already answered elsewhere or expired (409), or gone (404): tell the owner why nothing happened.
      if (!(err instanceof KiwiError) || (err.status !== 409 && err.status !== 404)) throw err;
      answer = describeError(err);
    }
    await this.options.api.answerCallbackQuery(query.id, answer);
  }

  /** Why a button press does not count, or null when it does. */
  #verify(query: TelegramCallbackQuery): string | null {
    if (query.from.is_bot || String(query.from.id) !== this.options.ownerUserId) return 'sender is not the owner';
    if (!query.message || String(query.message.chat.id) !== this.options.chatId) return 'not the configured chat';
    const found = CALLBACK.exec(query.data ?? '');
    if (!found) return 'unknown button';
    if (this.#messages.get(found[2]!) !== query.message.message_id) return 'not the message sent for this approval';
    return null;
  }

  #ignore(update: TelegramUpdate, reason: string): void {
    this.options.onIgnored?.(update, reason);
  }
}

export function outcomeText(approval: Approval, language: string): string {
  if (approval.status === 'expired') return securityReply(language, 'outcome_expired');
  const channel = securityReply(language, `channel_${approval.resolvedBy?.channel ?? 'api'}`);
  return securityReply(language, approval.status === 'approved' ? 'outcome_approved' : 'outcome_denied', { channel });
}
