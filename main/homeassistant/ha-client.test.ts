import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Config } from '../contract/config.ts';
import type { EventEnvelope } from '../contract/events.ts';
import { EventBus } from '../engine/events/event-bus.ts';
import { KiwiError } from '../platform/errors.ts';
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
