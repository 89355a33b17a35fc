import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import YAML from 'yaml';
import type { EventEnvelope } from '../contract/events.ts';
import { EventBus } from '../engine/events/event-bus.ts';
import { eventually } from '../testing/kiwi-test-server.ts';
import { createLogger } from '../platform/logger.ts';
import { KiwiRuntime } from './runtime.ts';

/**
 * voice.greeting: a real runtime with the system voice (espeak-ng) says the language's greeting once
 * its engine is ready. The bus is watched from before the runtime exists (the greeting starts during create).
 */
describe('the spoken greeting on start', () => {
  let dataDir: string;
  let runtime: KiwiRuntime;
  const events: EventEnvelope[] = [];

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiwi-greeting-'));
    const config = { language: 'de', tts_provider: 'system', voice: { greeting: { enabled: true } } };
    await fs.writeFile(path.join(dataDir, 'config.yaml'), YAML.stringify(config), { mode: 0o600 });
    const emit = EventBus.prototype.emit;
    const spy = vi.spyOn(EventBus.prototype, 'emit').mockImplementation(function (this: EventBus, ...args: Parameters<EventBus['emit']>) {
      const envelope = emit.apply(this, args);
      events.push(envelope as EventEnvelope);
      return envelope;
    });
    try {
      const env = { KIWI_DATA_DIR: dataDir, KIWI_AUDIO_INPUT: 'none', KIWI_AUDIO_OUTPUT: 'none', KIWI_AUTO_DOWNLOAD_MODELS: 'false' };
      runtime = await KiwiRuntime.create({ env, logger: createLogger({ KIWI_LOG_LEVEL: 'silent' }) });
      await eventually(() => events.some((e) => e.event === 'TTS_FINISHED'), 'the greeting was spoken', 60_000);
    } finally {
      spy.mockRestore();
    }
  }, 90_000);
  afterAll(async () => {
    await runtime?.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('says the language’s own greeting, with the wake word, once, through the voice that speaks', () => {
    const greeting = 'Hallo! Ich bin bereit. Sag kiwi, wenn du mich brauchst.';
    expect(events.filter((e) => e.event === 'TTS_STARTED').map((e) => e.data)).toEqual([expect.objectContaining({ text: greeting })]);
    expect(events.find((e) => e.event === 'TTS_FINISHED')?.data).toMatchObject({ text: greeting, interrupted: false });
    expect(runtime.status(0)).toMatchObject({ tts_provider: 'system', tts_configured: 'system' });
  });
});
