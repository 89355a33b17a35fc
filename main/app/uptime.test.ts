import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestKiwi, type TestKiwi } from '../testing/kiwi-test-server.ts';

describe('uptime over a system clock change', () => {
  let k: TestKiwi;
  beforeAll(async () => {
    k = await startTestKiwi();
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await k?.cleanup();
  });

  it('GET /api/status counts elapsed time: the wall clock set back an hour (NTP) does not make it negative', async () => {
    const before = await k.request('GET', '/api/status');
    const real = Date.now();
    vi.spyOn(Date, 'now').mockImplementation(() => real - 3600_000);
    const after = await k.request('GET', '/api/status');
    vi.restoreAllMocks();
    const { uptime_seconds: was } = before.json as { uptime_seconds: number };
    const { uptime_seconds: now } = after.json as { uptime_seconds: number };
    expect(now).toBeGreaterThanOrEqual(was);
    expect(now - was).toBeLessThan(60);
  });
});
