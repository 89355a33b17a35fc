import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LlmStandin } from '../testing/llm-standins.ts';
import { ManualClock } from '../timers/testing/manual-clock.ts';
import { createLogger } from '../platform/logger.ts';
import { KiwiRuntime } from './runtime.ts';

/** The runtime builds its LLM client on its own clock: a backend that goes silent times out when that clock says so. */
describe('the runtime’s LLM client runs on the runtime clock', () => {
  const clock = new ManualClock('2026-07-01T09:00:00Z');
  let dataDir: string;
  let runtime: KiwiRuntime;
  let server: LlmStandin;

  beforeAll(async () => {
    server = await LlmStandin.start('openai');
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiwi-llm-clock-'));
    const env = { KIWI_DATA_DIR: dataDir, KIWI_AUDIO_INPUT: 'none', KIWI_AUDIO_OUTPUT: 'none', KIWI_AUTO_DOWNLOAD_MODELS: 'false' };
    runtime = await KiwiRuntime.create({ env, clock, logger: createLogger({ KIWI_LOG_LEVEL: 'silent' }) });
    await runtime.config.patch({ llm: { provider: 'openai', base_url: server.baseUrl, timeout_s: 30 } });
  });
  afterAll(async () => {
    await runtime?.close();
    await server?.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('a server that never answers ends the request with llm_timeout after timeout_s on the clock', async () => {
    server.reply({ kind: 'silent' });
    const client = runtime.llm.client!;
    expect(client.name).toBe('openai');
    const before = clock.pendingCount;
    let ended = false;
    const outcome = (async () => {
      for await (const token of client.chat([{ role: 'user', content: 'hi' }], { model: 'm' })) void token;
    })().then(
      () => null,
      (error: unknown) => error,
    );
    void outcome.finally(() => (ended = true));
    await expect.poll(() => server.requests.length).toBe(1);
    await expect.poll(() => clock.pendingCount).toBe(before + 1); // the silence timer, on the runtime's clock
    await clock.advance(29_999);
    expect(ended).toBe(false);
    await clock.advance(1);
    expect(await outcome).toMatchObject({ code: 'llm_timeout' });
  });
});
