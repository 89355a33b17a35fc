import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock, type Clock } from '../platform/clock.ts';
import { createLogger } from '../platform/logger.ts';
import { KiwiRuntime } from './runtime.ts';

/** "What time is it" reads the runtime's clock and answers in the configured time zone. */
describe('the runtime clock and clock.time_zone', () => {
  const instant = Date.UTC(2026, 6, 1, 9, 5, 0); // 09:05 UTC = 18:05 in Tokyo = 05:05 in New York (summer time)
  const clock: Clock = { now: () => instant, setTimer: systemClock.setTimer };
  let dataDir: string;
  let runtime: KiwiRuntime;

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiwi-clock-'));
    const env = { KIWI_DATA_DIR: dataDir, KIWI_AUDIO_INPUT: 'none', KIWI_AUDIO_OUTPUT: 'none', KIWI_AUTO_DOWNLOAD_MODELS: 'false' };
    runtime = await KiwiRuntime.create({ env, clock, logger: createLogger({ KIWI_LOG_LEVEL: 'silent' }) });
  });
  afterAll(async () => {
    await runtime?.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  const ask = async () => (await runtime.engine.chat('what time is it', { language: 'en', speak: false }).done).reply;

  it.each([
    ['UTC', '9:05 AM'],
    ['Asia/Tokyo', '6:05 PM'],
    ['America/New_York', '5:05 AM'],
  ])('in %s it is %s', async (zone, time) => {
    await runtime.config.patch({ clock: { time_zone: zone } });
    const reply = await ask();
    expect(reply).toBe(`It's ${time}.`);
  });
});
