import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TelegramStandin } from '../../testing/telegram-standin.ts';
import { makeSecurityHarness, type SecurityHarness } from '../testing/security-harness.ts';
import { TelegramApiError, TelegramBotApi } from './bot-api.ts';

/**
 * Approvals through Telegram, against a stand-in server that speaks the Bot API's wire protocol
 * (main/testing/telegram-standin.ts: getUpdates long polling, sendMessage with an inline keyboard,
 * answerCallbackQuery, editMessageText). The real api.telegram.org is not reachable from tests;
 * only telegram.api_base_url differs.
 */
const CHAT = 555_001;
const OWNER = 777_002;

let telegram: TelegramStandin;
let h: SecurityHarness;

beforeEach(async () => {
  telegram = await TelegramStandin.start();
  h = makeSecurityHarness((c) => {
    c.telegram = { enabled: true, bot_token: telegram.token, chat_id: String(CHAT), owner_user_id: String(OWNER), api_base_url: telegram.baseUrl };
  });
  await h.security.startTelegram();
});
afterEach(async () => {
  await h.close();
  await telegram.close();
});

/** Hold a friend's request and wait until Kiwi has sent it to the owner's chat. */
async function held(text: string) {
  await h.route(h.turn(text, h.voices.friend));
  const approval = h.security.approvals.pending().find((a) => a.request.text === text)!;
  await telegram.waitFor(() => telegram.sent.some((m) => m.text.includes(text)), 'the approval message');
  const message = telegram.sent.find((m) => m.text.includes(text))!;
  return { approval, message };
}

describe('Telegram approvals (Bot API stand-in)', () => {
  it("sends each request to the owner's chat with Approve / Deny buttons", async () => {
    const { approval, message } = await held('buy me a new phone');
    expect(message.chat_id).toBe(String(CHAT));
    expect(message.text).toBe('Kiwi approval request 1\nAnna asked: “buy me a new phone”\nSeverity: dangerous. It expires in 2 min.');
    expect(message.buttons).toEqual([
      [
        { text: '✅ Approve', callback_data: `a:${approval.id}` },
        { text: '❌ Deny', callback_data: `d:${approval.id}` },
      ],
    ]);
    // Long polling asks only for button presses.
    expect(telegram.requests.find((r) => r.method === 'getUpdates')?.body).toMatchObject({ allowed_updates: ['callback_query'] });
  });

  it("approves when the owner presses Approve in the chat: the request runs, the press is answered, the message is edited", async () => {
    const { approval, message } = await held('buy me a new phone');
    telegram.pressButton({ from: { id: OWNER }, chatId: CHAT, messageId: message.message_id, data: `a:${approval.id}` });
    // The press is answered and the message edited by two requests sent together: wait for both.
    await telegram.waitFor(() => telegram.edits.length === 1 && telegram.answers.length === 1, 'the message edit and the answered press');
    expect(h.resumed.map((r) => r.request.text)).toEqual(['buy me a new phone']);
    expect(approval).toMatchObject({ status: 'approved', resolvedBy: { channel: 'telegram', who: String(OWNER) } });
    expect(telegram.answers).toEqual([{ callback_query_id: expect.any(String), text: 'Approved in Telegram.' }]);
    expect(telegram.edits[0]).toEqual({ chat_id: String(CHAT), message_id: message.message_id, text: 'number 1, buy me a new phone\nApproved in Telegram.' });
    expect(h.announced.at(-1)?.text).toBe('Approved. Done: buy me a new phone.');
    expect(h.store.audit.list({ limit: 1 })[0]).toMatchObject({ outcome: 'approved', resolved_by: `telegram:${OWNER}` });
    await telegram.waitFor(() => telegram.queued === 0, 'the update to be confirmed by the next offset');
  });

  it('denies with the Deny button: the request never runs', async () => {
    const { approval, message } = await held('order a pizza');
    telegram.pressButton({ from: { id: OWNER }, chatId: CHAT, messageId: message.message_id, data: `d:${approval.id}` });
    await telegram.waitFor(() => telegram.edits.length === 1, 'the message edit');
    expect(approval.status).toBe('denied');
    expect(h.resumed).toEqual([]);
    expect(telegram.edits[0]!.text).toBe('number 1, order a pizza\nDenied in Telegram.');
  });

  it('ignores presses from another sender, another chat, a bot, another message or with forged data', async () => {
    const { approval, message } = await held('buy me a new phone');
    const other = await held('order a pizza');
    const forgeries = [
      { from: { id: 999_999 }, chatId: CHAT, messageId: message.message_id, data: `a:${approval.id}` }, // someone else in the chat
      { from: { id: OWNER }, chatId: 123_456, messageId: message.message_id, data: `a:${approval.id}` }, // the owner, but another chat
      { from: { id: OWNER, is_bot: true }, chatId: CHAT, messageId: message.message_id, data: `a:${approval.id}` },
      { from: { id: OWNER }, chatId: CHAT, messageId: other.message.message_id, data: `a:${approval.id}` }, // a button moved to another message
      { from: { id: OWNER }, chatId: CHAT, messageId: message.message_id, data: 'a:apr_0000000000000000' },
      { from: { id: OWNER }, chatId: CHAT, messageId: message.message_id, data: `approve ${approval.id}` },
    ];
    for (const press of forgeries) telegram.pressButton(press);
    telegram.sendText(OWNER, CHAT, `/approve ${approval.id}`);
    // Updates are handled in order: once the real owner's press (sent last) has run its request, every forgery was seen before it.
    telegram.pressButton({ from: { id: OWNER }, chatId: CHAT, messageId: message.message_id, data: `a:${approval.id}` });
    await telegram.waitFor(() => h.resumed.length === 1 && telegram.answers.length === 1, 'the real press to run its request and be answered');
    expect(h.resumed.map((r) => r.request.text)).toEqual(['buy me a new phone']);
    expect(h.security.approvals.pending().map((a) => a.id)).toEqual([other.approval.id]);
    expect(telegram.answers).toEqual([{ callback_query_id: expect.any(String), text: 'Approved in Telegram.' }]); // the forgeries: ignored, not even answered
  });

  it("tells the owner when the request was already answered by voice, and marks the message", async () => {
    const { approval, message } = await held('buy me a new phone');
    expect((await h.route(h.turn('deny', h.voices.owner)))?.reply).toBe('Request number 1 denied.');
    await telegram.waitFor(() => telegram.edits.length === 1, 'the message edit');
    expect(telegram.edits[0]!.text).toBe('number 1, buy me a new phone\nDenied by voice.');
    telegram.pressButton({ from: { id: OWNER }, chatId: CHAT, messageId: message.message_id, data: `a:${approval.id}` });
    // A later request approved by a later press: once it has run, the late press before it was handled.
    const later = await held('order a pizza');
    telegram.pressButton({ from: { id: OWNER }, chatId: CHAT, messageId: later.message.message_id, data: `a:${later.approval.id}` });
    await telegram.waitFor(() => h.resumed.length === 1, 'the later request to run');
    // The late press after the voice answer did nothing; its message was edited already, so it is not ours any more.
    expect(h.resumed.map((r) => r.request.text)).toEqual(['order a pizza']);
    expect(approval.status).toBe('denied');
  });

  it('marks the message even when the owner answered by voice before Telegram confirmed it', async () => {
    const release = telegram.hold('sendMessage'); // a slow Telegram: the message is there, its confirmation is not
    await h.route(h.turn('buy me a new phone', h.voices.friend));
    await telegram.waitFor(() => telegram.requests.some((r) => r.method === 'sendMessage'), 'the approval message to be sent');
    expect((await h.route(h.turn('deny', h.voices.owner)))?.reply).toBe('Request number 1 denied.');
    expect(telegram.edits).toEqual([]);
    release();
    await telegram.waitFor(() => telegram.edits.length === 1, 'the message edit');
    expect(telegram.edits[0]).toEqual({ chat_id: String(CHAT), message_id: telegram.sent[0]!.message_id, text: 'number 1, buy me a new phone\nDenied by voice.' });
  });

  it('marks expired requests in the chat', async () => {
    const { message } = await held('buy me a new phone');
    h.clock.advance(120_000);
    await telegram.waitFor(() => telegram.edits.length === 1, 'the message edit');
    expect(telegram.edits[0]).toMatchObject({ message_id: message.message_id, text: 'number 1, buy me a new phone\nExpired without an answer.' });
  });

  it('reports a rejected token as an ERROR event without leaking it, and keeps retrying', async () => {
    await h.close();
    h = makeSecurityHarness((c) => {
      c.telegram = { enabled: true, bot_token: '999:WRONG-token-value', chat_id: String(CHAT), owner_user_id: String(OWNER), api_base_url: telegram.baseUrl };
    });
    await h.security.startTelegram();
    await telegram.waitFor(() => h.events.some((e) => e.event === 'ERROR'), 'the ERROR event');
    const error = h.events.find((e) => e.event === 'ERROR')!;
    expect(error.data).toEqual({
      code: 'telegram_failed',
      message: 'Telegram getUpdates: 401 Unauthorized (Telegram does not accept telegram.bot_token: copy it again from @BotFather)',
    });
    expect(JSON.stringify(h.events)).not.toContain('WRONG-token-value');
  });

  it('says which setting to check when Telegram knows no such bot (a mistyped token is a 404)', async () => {
    await h.close();
    h = makeSecurityHarness((c) => {
      c.telegram = { enabled: true, bot_token: '999/mistyped', chat_id: String(CHAT), owner_user_id: String(OWNER), api_base_url: telegram.baseUrl };
    });
    await h.security.startTelegram();
    await telegram.waitFor(() => h.events.some((e) => e.event === 'ERROR'), 'the ERROR event');
    expect(h.events.find((e) => e.event === 'ERROR')!.data).toEqual({
      code: 'telegram_failed',
      message: 'Telegram getUpdates: 404 Not Found (no bot has this telegram.bot_token, or telegram.api_base_url is not a Bot API server)',
    });
    expect(JSON.stringify(h.events)).not.toContain('mistyped');
  });

  it('does not start without a chat and an owner id', async () => {
    await h.close();
    // Every request the service would make goes through this fetch: a started bot polls at once.
    const requested: string[] = [];
    const counting: typeof fetch = (input, init) => {
      requested.push(String(input));
      return fetch(input, init);
    };
    h = makeSecurityHarness(
      (c) => {
        c.telegram = { enabled: true, bot_token: telegram.token, chat_id: '', owner_user_id: '', api_base_url: telegram.baseUrl };
      },
      { fetch: counting },
    );
    await h.security.startTelegram();
    expect(h.events.find((e) => e.event === 'ERROR')?.data).toMatchObject({ code: 'telegram_not_configured' });
    expect(requested).toEqual([]);
  });
});

describe('Telegram Bot API client', () => {
  it('throws TelegramApiError with retry_after on 429 and never puts the token in messages', async () => {
    const api = new TelegramBotApi({
      baseUrl: 'http://127.0.0.1:9',
      token: 'secret-token',
      fetch: async () => new Response(JSON.stringify({ ok: false, error_code: 429, description: 'Too Many Requests: retry after 3', parameters: { retry_after: 3 } }), { status: 429 }),
    });
    const err = await api.sendMessage('1', 'hi').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TelegramApiError);
    expect(err).toMatchObject({ telegramCode: 429, retryAfter: 3 });
    const down = new TelegramBotApi({ baseUrl: 'http://127.0.0.1:9', token: 'secret-token' }); // nothing listens on port 9
    const failure = (await down.sendMessage('1', 'hi').catch((e: unknown) => e)) as Error;
    expect(failure).toBeInstanceOf(TelegramApiError);
    expect(failure.message).not.toContain('secret-token');
  });
});
