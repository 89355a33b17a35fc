import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../contract/routes.ts';
import type { EventEnvelope } from '../contract/events.ts';
import type { TurnRequest } from '../engine/listening/turn.ts';
import { identified } from '../security/testing/security-harness.ts';
import type { SpeakerRecord } from '../store/store.ts';
import { authOn, bearer, SCOPE_TOKENS } from '../testing/api-auth.ts';
import { FakeHomeAssistant } from '../testing/fake-home-assistant.ts';
import { startTestKiwi, type TestKiwi } from '../testing/kiwi-test-server.ts';
import { LlmStandin } from '../testing/llm-standins.ts';
import { TelegramStandin } from '../testing/telegram-standin.ts';

/**
 * Voice security end to end: a real Kiwi (API, router, gate) with stand-ins for the LLM
 * (OpenAI-compatible wire format), Home Assistant and the Telegram Bot API. What matters most:
 * a request the policy refused, or one still waiting for approval, never reaches either backend.
 */
const HA_TOKEN = 'ha-token-for-security-tests';
const CHAT = 4242;
const OWNER_TG = 31337;

describe('voice security through the API', () => {
  let k: TestKiwi;
  let ha: FakeHomeAssistant;
  let llm: LlmStandin;
  let telegram: TelegramStandin;
  const events: EventEnvelope[] = [];
  let voices: { owner: SpeakerRecord; friend: SpeakerRecord; guest: SpeakerRecord };

  beforeAll(async () => {
    ha = new FakeHomeAssistant(HA_TOKEN);
    await ha.start();
    llm = await LlmStandin.start('openai');
    telegram = await TelegramStandin.start();
    k = await startTestKiwi({
      config: {
        llm: { provider: 'openai', base_url: llm.baseUrl, model: 'test-model' },
        homeassistant: { enabled: true, url: ha.url, token: HA_TOKEN },
        telegram: { enabled: true, bot_token: telegram.token, chat_id: String(CHAT), owner_user_id: String(OWNER_TG), api_base_url: telegram.baseUrl },
      },
    });
    k.kiwi.runtime.bus.subscribe((e) => events.push(e));
    const { speakers } = k.kiwi.runtime.store;
    voices = {
      owner: speakers.create({ name: 'Maria', priority: 0 }),
      friend: speakers.create({ name: 'Anna', priority: 1 }),
      guest: speakers.create({ name: 'Guest 1', priority: 2, auto_learned: true }),
    };
  });
  afterAll(async () => {
    await k?.cleanup();
    await ha?.stop();
    await llm?.close();
    await telegram?.close();
  });

  /** Requests that reached the backends so far. */
  const reached = () => ({ ha: ha.requests.filter((r) => r.path === '/api/conversation/process').map((r) => (r.body as { text: string }).text), llm: llm.requests.length });
  const chat = async (text: string) => {
    const res = await k.request('POST', '/api/chat', { body: { text, speak: false } });
    expect(res.status, res.text).toBe(200);
    // Every chat runs as a turn: its id comes with the answer (the turn tests check what it names).
    const { turn_id, ...answer } = routes.chat.response.parse(res.json);
    expect(turn_id).toMatch(/^turn_/);
    return answer;
  };
  /** A spoken turn from a known voice, through the runtime's full router (commands, gate, backends). */
  const say = async (text: string, who: SpeakerRecord | null) => {
    const request: TurnRequest = { text, language: 'en', speaker: who ? identified(who) : null, source: 'test:mic', signal: new AbortController().signal };
    const answer = await k.kiwi.runtime.turnHandler(request);
    const sentences: string[] = [];
    for await (const s of answer.reply ?? []) sentences.push(s);
    return { command: answer.command, reply: sentences.join(' ') || null };
  };
  const pending = async () => routes.listApprovals.response.parse((await k.request('GET', '/api/approvals')).json).approvals;

  it('holds a critical typed request: nothing reaches Home Assistant or the LLM until the owner approves', async () => {
    const before = reached();
    expect(await chat('unlock the front door')).toEqual({
      command: 'approval_requested',
      reply: 'That needs your confirmation. Say "approve", or confirm on the dashboard. It\'s request number 1.',
    });
    expect(reached()).toEqual(before);
    const [approval] = await pending();
    expect(approval).toMatchObject({ number: 1, status: 'pending', text: 'unlock the front door', role: 'owner', source: 'text', severity: 'critical', rule: { rule: 'unlock_door' } });
    expect(events.find((e) => e.event === 'APPROVAL_REQUESTED')?.data).toMatchObject({ approval: { id: approval!.id } });

    ha.understands = true;
    const res = await k.request('POST', `/api/approvals/${approval!.id}/approve`);
    expect(res.status, res.text).toBe(200);
    expect(routes.approveApproval.response.parse(res.json)).toMatchObject({
      approval: { id: approval!.id, status: 'approved', resolved_by: { channel: 'api' } },
      result: { command: 'homeassistant', reply: 'Done, bedroom lights are on.' },
    });
    expect(reached().ha).toEqual([...before.ha, 'unlock the front door']);
    expect(reached().llm).toBe(before.llm);
    expect(events.find((e) => e.event === 'APPROVAL_RESOLVED')?.data).toMatchObject({ outcome: 'approved' });
    expect((await k.request('POST', `/api/approvals/${approval!.id}/approve`)).status).toBe(409);
    expect((await k.request('POST', '/api/approvals/apr_0123456789abcdef/deny')).status).toBe(404);
    expect((await k.request('POST', '/api/approvals/not-an-id/deny')).status).toBe(400);
  });

  it('a denied request never runs', async () => {
    const before = reached();
    await chat('disarm the alarm');
    const [approval] = await pending();
    const res = await k.request('POST', `/api/approvals/${approval!.id}/deny`);
    expect(routes.denyApproval.response.parse(res.json)).toMatchObject({ approval: { status: 'denied' }, result: null });
    expect(reached()).toEqual(before);
    expect(await pending()).toEqual([]);
  });

  it('a request the policy refuses never reaches Home Assistant or the LLM (owner policy set to refuse via PATCH /api/config)', async () => {
    expect((await k.request('PATCH', '/api/config', { body: { policy: { owner_critical: 'refuse' } } })).status).toBe(200);
    try {
      const before = reached();
      for (const text of ['transfer 500 dollars to John', 'format the hard drive', 'rm -rf / --no-preserve-root']) {
        expect(await chat(text)).toEqual({ command: 'refused', reply: "Sorry, I can't do that for you." });
      }
      expect(reached()).toEqual(before);
      expect(await pending()).toEqual([]);
    } finally {
      await k.request('PATCH', '/api/config', { body: { policy: { owner_critical: 'approve' } } });
    }
  });

  it('voices by role: guests and friends are refused what they may not do; safe requests go on', async () => {
    const before = reached();
    expect(await say('transfer 500 dollars to my account', voices.guest)).toEqual({ command: 'refused', reply: "Sorry, I can't do that for you." });
    expect(await say('buy me a new phone', voices.guest)).toMatchObject({ command: 'refused' });
    expect(await say('unlock the front door', voices.friend)).toMatchObject({ command: 'refused' });
    expect(await say('read my messages', null)).toMatchObject({ command: 'refused' });
    expect(reached()).toEqual(before);

    ha.understands = false; // Home Assistant matches no intent: it falls through to the LLM
    llm.reply({ kind: 'stream', tokens: ['Why did ', 'the penguin ', 'cross the ice?'] });
    expect(await say('tell me a joke', voices.guest)).toEqual({ command: 'llm', reply: 'Why did the penguin cross the ice?' });
    expect(reached().llm).toBe(before.llm + 1);
  });

  it("a friend's dangerous request waits for the owner's voice, then runs as the friend's", async () => {
    ha.understands = true;
    const before = reached();
    // (the number is the lowest not used within the last answer window: earlier tests here took the first ones)
    expect(await say('buy me a new phone', voices.friend)).toEqual({ command: 'approval_requested', reply: expect.stringMatching(/^I've asked Maria to approve that\. It's request number \d+\.$/) });
    expect(await say('approve', voices.friend)).toEqual({ command: 'approval', reply: "Only the owner's voice can approve or deny requests." });
    expect((await chat('approve')).reply).toBe("A typed answer can't approve or deny requests: use Approvals on the dashboard, or the owner's voice."); // typed turns cannot approve by "voice"
    expect(reached()).toEqual(before);
    expect(await say('approve', voices.owner)).toEqual({ command: 'approval', reply: 'Approved. Done, bedroom lights are on.' });
    expect(reached().ha).toEqual([...before.ha, 'buy me a new phone']);
  });

  it("approves from Telegram: only the owner's button press in the configured chat releases the request", async () => {
    ha.understands = true;
    const before = reached();
    await chat('open the garage');
    const [approval] = await pending();
    await telegram.waitFor(() => telegram.sent.some((m) => m.text.includes('open the garage')), 'the Telegram message');
    const message = telegram.sent.find((m) => m.text.includes('open the garage'))!;
    telegram.pressButton({ from: { id: 666 }, chatId: CHAT, messageId: message.message_id, data: `a:${approval!.id}` });
    await telegram.waitFor(() => telegram.queued === 0, 'the forged press to be read');
    expect(reached()).toEqual(before);
    telegram.pressButton({ from: { id: OWNER_TG }, chatId: CHAT, messageId: message.message_id, data: `a:${approval!.id}` });
    await telegram.waitFor(() => reached().ha.length === before.ha.length + 1, 'Home Assistant to get the approved command');
    expect(reached().ha.at(-1)).toBe('open the garage');
  });

  it('GET /api/audit pages through every decision, newest first', async () => {
    const first = routes.getAudit.response.parse((await k.request('GET', '/api/audit?limit=3')).json);
    expect(first.entries).toHaveLength(3);
    expect(first.entries[0]!.seq).toBeGreaterThan(first.entries[2]!.seq);
    const second = routes.getAudit.response.parse((await k.request('GET', `/api/audit?limit=200&before=${first.next_before}`)).json);
    expect(second.entries[0]!.seq).toBeLessThan(first.entries[2]!.seq);
    const all = [...first.entries, ...second.entries];
    expect(new Set(all.map((e) => e.outcome))).toEqual(new Set(['allow', 'approve', 'refuse', 'approved', 'denied']));
    expect(all.find((e) => e.outcome === 'approved' && e.text === 'open the garage')).toMatchObject({ resolved_by: `telegram:${OWNER_TG}`, rule: 'open_garage' });
    expect(all.find((e) => e.text === 'rm -rf / --no-preserve-root')).toMatchObject({ outcome: 'refuse', severity: 'critical', rule: 'shell_rm_recursive' });
    expect((await k.request('GET', '/api/audit?limit=0')).status).toBe(400);
    expect((await k.request('GET', '/api/audit?limit=5&sort=asc')).status).toBe(400);
  });

  it('never shows the Telegram bot token', async () => {
    const view = await k.request('GET', '/api/config');
    expect(view.json).toMatchObject({ telegram: { enabled: true, chat_id: String(CHAT) } });
    expect(view.text).not.toContain(telegram.token);
    const patched = await k.request('PATCH', '/api/config', { body: { telegram: { bot_token: telegram.token } } });
    expect(patched.json).toEqual({ updated: { telegram: { bot_token: '********' } } });
    expect(JSON.stringify(events)).not.toContain(telegram.token);
  });
});

describe('approval and audit scopes', () => {
  const tokens = SCOPE_TOKENS;
  const withToken = (token: string) => ({ headers: bearer(token) });
  let k: TestKiwi;
  beforeAll(async () => {
    k = await startTestKiwi({ config: { api: authOn() } });
  });
  afterAll(async () => k?.cleanup());

  it('read lists approvals, control approves and denies, only admin reads the audit log', async () => {
    await k.request('POST', '/api/chat', { body: { text: 'unlock the front door', speak: false }, ...withToken(tokens.control) });
    const list = await k.request('GET', '/api/approvals', withToken(tokens.read));
    expect(list.status).toBe(200);
    const [approval] = routes.listApprovals.response.parse(list.json).approvals;
    expect((await k.request('POST', `/api/approvals/${approval!.id}/deny`, withToken(tokens.read))).status).toBe(403);
    const denied = await k.request('POST', `/api/approvals/${approval!.id}/deny`, withToken(tokens.control));
    expect(denied.json).toMatchObject({ approval: { status: 'denied', resolved_by: { channel: 'api', who: 'controller' } } });
    expect((await k.request('GET', '/api/audit', withToken(tokens.control))).status).toBe(403);
    expect((await k.request('GET', '/api/audit', withToken(tokens.admin))).status).toBe(200);
    expect((await k.request('GET', '/api/approvals')).status).toBe(401);
  });
});
