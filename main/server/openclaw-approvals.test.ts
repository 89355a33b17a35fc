import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../contract/routes.ts';
import type { EventEnvelope } from '../contract/events.ts';
import type { TurnRequest } from '../engine/listening/turn.ts';
import { OpenClawLlm } from '../llm/openclaw/openclaw-llm.ts';
import { llmConfig } from '../llm/testing/collect.ts';
import { OpenClawGatewayStandin } from '../llm/testing/openclaw-gateway-standin.ts';
import { collectReply, identified } from '../security/testing/security-harness.ts';
import type { SpeakerRecord } from '../store/store.ts';
import { eventually, startTestKiwi, type TestKiwi } from '../testing/kiwi-test-server.ts';
import { TelegramStandin } from '../testing/telegram-standin.ts';

/**
 * OpenClaw exec approvals end to end: a real Kiwi (API, router, engine) whose LLM is the OpenClaw
 * gateway stand-in. A chat turn's agent asks to run a command; the request appears among Kiwi's
 * approvals and the owner's answer (API, Telegram, voice) goes back to the gateway.
 */
const GW_TOKEN = 'gateway-token-for-approval-tests';
const CHAT = 5151;
const OWNER_TG = 4242;

describe('OpenClaw exec approvals through Kiwi’s approvals', () => {
  let k: TestKiwi;
  let gateway: OpenClawGatewayStandin;
  let telegram: TelegramStandin;
  let owner: SpeakerRecord;
  const events: EventEnvelope[] = [];

  beforeAll(async () => {
    gateway = await OpenClawGatewayStandin.start({ token: GW_TOKEN });
    telegram = await TelegramStandin.start();
    k = await startTestKiwi({
      config: {
        llm: { provider: 'openclaw', base_url: gateway.baseUrl, model: '', api_key: GW_TOKEN },
        telegram: { enabled: true, bot_token: telegram.token, chat_id: String(CHAT), owner_user_id: String(OWNER_TG), api_base_url: telegram.baseUrl },
      },
    });
    k.kiwi.runtime.bus.subscribe((e) => events.push(e));
    owner = k.kiwi.runtime.store.speakers.create({ name: 'Maria', priority: 0 });
  });
  afterAll(async () => {
    await k?.cleanup();
    await gateway?.close();
    await telegram?.close();
  });

  /** A typed chat turn whose agent needs `command` approved after its first sentence; resolves with the API's answer. */
  const chatNeeding = async (command: string) => {
    gateway.chat({ deltas: ['Let me check. ', 'Done: 3 files.'], approval: { after: 1, command } });
    const res = await k.request('POST', '/api/chat', { body: { text: 'what is in the temp folder', speak: false } });
    expect(res.status, res.text).toBe(200);
    // Every chat runs as a turn: its id comes with the answer (the turn tests check what it names).
    const { turn_id, ...answer } = routes.chat.response.parse(res.json);
    expect(turn_id).toMatch(/^turn_/);
    return answer;
  };
  const pending = async () => routes.listApprovals.response.parse((await k.request('GET', '/api/approvals')).json).approvals;
  const waitForOne = async () => {
    await eventually(async () => (await pending()).length === 1, 'the exec approval in GET /api/approvals');
    return (await pending())[0]!;
  };
  const gatewayId = (approvalId: string) => k.kiwi.runtime.security.approvals.get(approvalId)!.exec!.externalId;

  it('appears in GET /api/approvals; approving through the API answers allow-once and the chat finishes', async () => {
    const answer = chatNeeding('rm -rf /tmp/build');
    const approval = await waitForOne();
    expect(approval).toMatchObject({
      number: 1,
      status: 'pending',
      kind: 'exec',
      text: 'OpenClaw wants to run: rm -rf /tmp/build',
      source: 'openclaw',
      speaker: null,
      severity: 'critical',
      rule: { rule: 'shell_rm_recursive' },
      exec: { requester: 'OpenClaw', command: 'rm -rf /tmp/build', cwd: '/tmp', host: 'gateway', agent_id: 'main', session_key: 'agent:main:kiwi-typed' }, // typed turns have a conversation of their own
    });
    expect(gateway.approvals).toEqual([]); // nothing answered yet: the agent waits

    const res = await k.request('POST', `/api/approvals/${approval.id}/approve`);
    expect(res.status, res.text).toBe(200);
    expect(routes.approveApproval.response.parse(res.json)).toMatchObject({
      approval: { id: approval.id, status: 'approved', kind: 'exec', resolved_by: { channel: 'api' } },
      result: null,
    });
    expect(await answer).toEqual({ command: 'llm', reply: 'Let me check. Done: 3 files.' });
    expect(gateway.approvals).toEqual([{ id: gatewayId(approval.id), decision: 'allow-once' }]);
    expect(gateway.calls('chat.send')).toHaveLength(1); // the approved exec ran no second Kiwi turn
    expect(await pending()).toEqual([]);
    expect((await k.request('POST', `/api/approvals/${approval.id}/approve`)).status).toBe(409);
  });

  it('denying through the API answers deny', async () => {
    const answer = chatNeeding('ls -la /tmp');
    const approval = await waitForOne();
    expect(approval.severity).toBe('safe');
    const res = await k.request('POST', `/api/approvals/${approval.id}/deny`);
    expect(routes.denyApproval.response.parse(res.json)).toMatchObject({ approval: { status: 'denied', kind: 'exec' }, result: null });
    expect((await answer).reply).toBe('Let me check. Done: 3 files.');
    expect(gateway.approvals.at(-1)).toEqual({ id: gatewayId(approval.id), decision: 'deny' });
  });

  it("the owner's Telegram button answers it", async () => {
    const answer = chatNeeding('git push --force origin main');
    const approval = await waitForOne();
    await eventually(() => telegram.sent.some((m) => m.text.includes('git push --force')), 'the Telegram message');
    const message = telegram.sent.find((m) => m.text.includes('git push --force'))!;
    expect(message.text).toContain('OpenClaw asked: “OpenClaw wants to run: git push --force origin main”');
    telegram.pressButton({ from: { id: OWNER_TG }, chatId: CHAT, messageId: message.message_id, data: `a:${approval.id}` });
    expect((await answer).reply).toBe('Let me check. Done: 3 files.');
    expect(gateway.approvals.at(-1)).toEqual({ id: gatewayId(approval.id), decision: 'allow-once' });
  });

  it("the owner's voice answers it while the typed turn waits", async () => {
    const answer = chatNeeding('ls -la /tmp');
    const approval = await waitForOne();
    const request: TurnRequest = { text: 'approve', language: 'en', speaker: identified(owner), source: 'test:mic', signal: new AbortController().signal };
    const spoken = await k.kiwi.runtime.turnHandler(request);
    expect({ command: spoken.command, reply: await collectReply(spoken) }).toEqual({ command: 'approval', reply: 'Approved.' });
    expect((await answer).reply).toBe('Let me check. Done: 3 files.');
    expect(gateway.approvals.at(-1)).toEqual({ id: gatewayId(approval.id), decision: 'allow-once' });
  });

  it('answered at the gateway by another client: Kiwi’s approval closes as resolved by openclaw, answered once', async () => {
    const answer = chatNeeding('ls -la /tmp');
    const approval = await waitForOne();
    const answersBefore = gateway.approvals.length;
    const other = new OpenClawLlm(llmConfig({ provider: 'openclaw', base_url: gateway.baseUrl, api_key: GW_TOKEN }));
    try {
      await other.resolveApproval(gatewayId(approval.id), 'deny');
    } finally {
      other.close();
    }
    expect((await answer).reply).toBe('Let me check. Done: 3 files.');
    await eventually(async () => (await pending()).length === 0, 'the Kiwi approval to close');
    const resolved = events.filter((e) => e.event === 'APPROVAL_RESOLVED').at(-1)!;
    expect(resolved.data).toMatchObject({ outcome: 'denied', approval: { id: approval.id, resolved_by: { channel: 'openclaw' } } });
    expect(gateway.approvals.length).toBe(answersBefore + 1);
    expect((await k.request('POST', `/api/approvals/${approval.id}/approve`)).status).toBe(409);
    await eventually(() => telegram.edits.some((e) => e.text.includes('OpenClaw wants to run: ls -la /tmp') && e.text.includes('in OpenClaw')), 'the Telegram message to say it was denied in OpenClaw');
  });

  it('the audit log has each exec request and how it ended', async () => {
    const { entries } = routes.getAudit.response.parse((await k.request('GET', '/api/audit?limit=200')).json);
    const execs = entries.filter((e) => e.source === 'openclaw').reverse();
    expect(execs.map((e) => [e.outcome, e.resolved_by?.split(':')[0] ?? null])).toEqual([
      ['approve', null],
      ['approved', 'api'],
      ['approve', null],
      ['denied', 'api'],
      ['approve', null],
      ['approved', 'telegram'],
      ['approve', null],
      ['approved', 'voice'],
      ['approve', null],
      ['denied', 'openclaw'],
    ]);
  });
});
