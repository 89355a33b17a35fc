import { afterEach, describe, expect, it } from 'vitest';
import { OpenClawGatewayStandin } from '../../testing/llm-standins.ts';
import { ManualClock } from '../../timers/testing/manual-clock.ts';
import { collect, failure, llmConfig } from '../testing/collect.ts';
import type { ExecApprovalRequest } from './approvals.ts';
import { OpenClawLlm } from './openclaw-llm.ts';

// Exec approvals against the gateway stand-in: a run waiting for a human is silent on purpose, so
// its silence timeout is held off until the approval is decided or expires, all on Kiwi's clock.
describe('OpenClawLlm exec approvals on the clock', () => {
  let gateway: OpenClawGatewayStandin | undefined;
  let llm: OpenClawLlm | undefined;
  const fast = { retries: 2, backoffMs: 5, maxBackoffMs: 20 };
  const turn = (text: string) => [{ role: 'user' as const, content: text }];
  afterEach(async () => {
    llm?.close();
    llm = undefined;
    await gateway?.close();
    gateway = undefined;
  });

  it('surfaces exec-approval requests; while a human decides, the run outlives its silence timeout on the clock; resolveApproval goes on', async () => {
    gateway = await OpenClawGatewayStandin.start({ token: 'gw-token' });
    gateway.chat({ deltas: ['Let me check. ', 'Done: 3 files.'], approval: { after: 1, command: 'ls -la /tmp' } });
    const requests: ExecApprovalRequest[] = [];
    const resolved: string[] = [];
    // The stand-in dates the request by the machine (expires in 120 s): the clock starts there too.
    const clock = new ManualClock(Date.now());
    llm = new OpenClawLlm(llmConfig({ provider: 'openclaw', base_url: gateway!.baseUrl, api_key: 'gw-token', timeout_s: 30 }), {
      ...fast,
      clock,
      onApprovalRequest: (request) => requests.push(request),
      onApprovalResolved: (r) => resolved.push(`${r.id}:${r.decision}`),
    });
    let ended = false;
    const answer = collect(llm.chat(turn('list tmp'), { model: '', conversation: 'owner' } as never)).finally(() => (ended = true));
    await expect.poll(() => requests).toHaveLength(1);
    // A human takes far longer than the 30 s silence timeout to answer: the run must not time out.
    await clock.advance(110_000);
    expect(ended).toBe(false);
    await llm.resolveApproval(requests[0]!.id, 'allow-once');
    expect((await answer).join('')).toBe('Let me check. Done: 3 files.');
    expect(requests[0]).toMatchObject({ command: 'ls -la /tmp', cwd: '/tmp', host: 'gateway', sessionKey: 'agent:main:kiwi-owner' });
    expect(gateway!.approvals).toEqual([{ id: requests[0]!.id, decision: 'allow-once' }]);
    expect(resolved).toEqual([`${requests[0]!.id}:allow-once`]);
  });

  it('an approval nobody answers expires on the clock; the silence timeout then ends the run', async () => {
    gateway = await OpenClawGatewayStandin.start({ token: 'gw-token' });
    gateway.chat({ deltas: ['Let me check. ', 'Done.'], approval: { after: 1, command: 'rm -rf /tmp/x' } });
    const requests: ExecApprovalRequest[] = [];
    const clock = new ManualClock(Date.now());
    llm = new OpenClawLlm(llmConfig({ provider: 'openclaw', base_url: gateway!.baseUrl, api_key: 'gw-token', timeout_s: 30 }), { ...fast, clock, onApprovalRequest: (request) => requests.push(request) });
    let ended = false;
    const outcome = failure(llm.chat(turn('clean tmp'), { model: '' })).finally(() => (ended = true));
    await expect.poll(() => requests).toHaveLength(1);
    // Expiry is 120 s after the stand-in's machine time, a few ms after the clock's start.
    expect(requests[0]!.expiresAtMs! - clock.now()).toBeGreaterThanOrEqual(120_000);
    expect(requests[0]!.expiresAtMs! - clock.now()).toBeLessThan(121_000);
    await clock.advance(120_000 + 29_000);
    expect(ended).toBe(false);
    await clock.advance(2_000);
    expect((await outcome).error).toMatchObject({ code: 'llm_timeout' });
  });
});
