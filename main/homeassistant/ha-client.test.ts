import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Config } from '../contract/config.ts';
import type { EventEnvelope } from '../contract/events.ts';
import { EventBus } from '../engine/events/event-bus.ts';
import { KiwiError } from '../platform/errors.ts';
import { ManualClock } from '../timers/testing/manual-clock.ts';
import { HomeAssistantClient } from './ha-client.ts';

const config = (): Config => ({ ...DEFAULT_CONFIG, homeassistant: { enabled: true, url: 'http://ha.invalid:8123', token: 'ha-secret-token', language: '' } });

/** A fetch that never answers by itself: only its signal ends it, as a hung Home Assistant would. */
function hangingFetch() {
  const calls: Array<{ url: string; signal: AbortSignal }> = [];
  const fetch = ((url: URL, init: RequestInit) =>
    new Promise<Response>((_resolve, reject) => {
      const signal = init.signal!;
      calls.push({ url: String(url), signal });
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    })) as unknown as typeof globalThis.fetch;
  return { fetch, calls };
}

describe('HomeAssistantClient.converse', () => {
  it("the turn's signal (Stop, barge-in) ends the request at once; Home Assistant is not marked unreachable", async () => {
    const bus = new EventBus();
    const events: EventEnvelope[] = [];
    bus.subscribe((e) => events.push(e));
    const { fetch, calls } = hangingFetch();
    const client = new HomeAssistantClient({ config, bus, fetch, requestTimeoutMs: 60_000 });
    const turn = new AbortController();
    const outcome = client.converse('turn on the lights', 'en', turn.signal).then(
      () => 'answered',
      (err: unknown) => err,
    );
    expect(calls.map((c) => new URL(c.url).pathname)).toEqual(['/api/conversation/process']);
    const stopped = new KiwiError('stopped', 'Stopped by request');
    turn.abort(stopped);
    expect(calls[0]!.signal.aborted).toBe(true);
    expect(await outcome).toBe(stopped);
    expect(client.status()).toEqual({ enabled: true, connected: false, last_error: null });
    expect(events.filter((e) => e.event === 'HA_CONNECTION_CHANGED' || e.event === 'ERROR')).toEqual([]);
  });

  it('an already stopped turn sends nothing', async () => {
    const { fetch, calls } = hangingFetch();
    const client = new HomeAssistantClient({ config, bus: new EventBus(), fetch });
    const turn = new AbortController();
    turn.abort(new KiwiError('stopped', 'Stopped by request'));
    await expect(client.converse('hello', 'en', turn.signal)).rejects.toMatchObject({ code: 'stopped' });
    expect(calls).toEqual([]);
  });
});

/** A Home Assistant that answers every command, handing out conversation ids c1, c2, ...; records what was sent. */
function answeringFetch() {
  const sent: Array<{ path: string; body: Record<string, unknown> | null }> = [];
  const fetch = (async (url: URL, init: RequestInit) => {
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : null;
    sent.push({ path: new URL(String(url)).pathname, body });
    const conversation_id = `c${sent.length}`;
    return new Response(JSON.stringify({ conversation_id, response: { response_type: 'action_done', speech: { plain: { speech: 'Done.' } } } }), { status: 200 });
  }) as unknown as typeof globalThis.fetch;
  return { fetch, sent };
}

describe("Home Assistant on Kiwi's clock", () => {
  it('keeps the conversation id for follow-ups within five minutes of the last command, by the injected clock', async () => {
    const clock = new ManualClock('2026-03-27T14:00:00Z');
    const { fetch, sent } = answeringFetch();
    const client = new HomeAssistantClient({ config, bus: new EventBus(), fetch, clock });
    await client.converse('turn on the kitchen light', 'en');
    await clock.advance(4 * 60_000);
    await client.converse('and the hallway too', 'en');
    expect(sent[1]!.body).toMatchObject({ conversation_id: 'c1' });
    await clock.advance(5 * 60_000); // five minutes without a command: the next one starts afresh
    await client.converse('turn off the radio', 'en');
    expect(sent.map((s) => s.body?.conversation_id ?? null)).toEqual([null, 'c1', null]);
  });

  it('retries a failed connection check after the backoff on the injected clock, doubling it', async () => {
    const clock = new ManualClock('2026-03-27T14:00:00Z');
    const checks: number[] = [];
    const fetch = (async () => {
      checks.push(clock.now());
      throw new TypeError('connect ECONNREFUSED');
    }) as unknown as typeof globalThis.fetch;
    const client = new HomeAssistantClient({ config, bus: new EventBus(), fetch, clock, retryMs: { initial: 1000, max: 8000 } });
    client.start();
    await clock.advance(999);
    expect(checks).toHaveLength(1);
    await clock.advance(1 + 2000 + 4000);
    const start = Date.parse('2026-03-27T14:00:00Z');
    expect(checks.map((t) => t - start)).toEqual([0, 1000, 3000, 7000]);
    expect(client.status()).toMatchObject({ connected: false, last_error: expect.stringContaining('ECONNREFUSED') });
    client.stop();
    expect(clock.pendingCount).toBe(0);
  });
});
