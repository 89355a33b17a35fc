import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { loadCatalog } from '../engine/models/catalog.ts';
import { describeWithModels } from '../engine/models/testing/model-env.ts';
import { startHeldServer, startRuntimeIn, type HeldServer } from '../testing/runtime-in.ts';
import type { KiwiRuntime } from './runtime.ts';

/**
 * Choosing another voice provider, or another language, whose models are not installed must not
 * take away what works: the Piper voice keeps speaking while the Kokoro voice downloads (or the
 * change is refused while auto-download is off), and the English recogniser keeps hearing after a
 * switch to German until the German one is in; /api/status `fallbacks` says what is pending.
 * Every catalog download goes to a loopback stand-in that holds it (nothing is fetched).
 */
describeWithModels('switching the voice or the language to models that are not installed', (fixtures) => {
  let dir: string;
  let server: HeldServer | undefined;
  let runtime: KiwiRuntime | undefined;

  afterEach(async () => {
    server?.release();
    await runtime?.close();
    runtime = undefined;
    await server?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  /** The fixture folder `name` linked (not copied: hundreds of MB) into the test's models folder. */
  async function link(name: string): Promise<void> {
    const walk = async (from: string, to: string): Promise<void> => {
      await fs.mkdir(to, { recursive: true });
      for (const entry of await fs.readdir(from, { withFileTypes: true })) {
        if (entry.isDirectory()) await walk(path.join(from, entry.name), path.join(to, entry.name));
        else await fs.link(path.join(from, entry.name), path.join(to, entry.name));
      }
    };
    await walk(path.join(fixtures, name), path.join(dir, 'models', name));
  }

  /** Silero VAD, Whisper tiny.en (English only) and Piper joe installed; Piper speaks. */
  async function start(autoDownload: boolean): Promise<KiwiRuntime> {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiwi-voice-switch-'));
    for (const name of ['silero-vad', 'stt-substitute-whisper-tiny-en', 'tts-piper-en-us-joe-medium']) await link(name);
    server = await startHeldServer((_req, res) => res.writeHead(404).end());
    const catalog = await loadCatalog();
    const held = catalog.models.map((m) => ({ ...m, files: m.files.map((f, i) => ({ ...f, url: `${server!.base}/${m.id}/${i}` })) }));
    runtime = await startRuntimeIn(dir, { autoDownload, catalog: { ...catalog, models: held }, config: 'language: en\ntts_provider: piper\n' });
    expect(runtime.engine.parts.tts?.model).toBe('tts-piper-en-us-joe-medium');
    expect(runtime.engine.parts.stt?.model).toBe('stt-substitute-whisper-tiny-en');
    return runtime;
  }

  it('voice, auto-download on: Piper keeps speaking while the Kokoro voice downloads, and the status says so', async () => {
    const kiwi = await start(true);
    await kiwi.config.patch({ tts_provider: 'kokoro' });
    await kiwi.settled(10_000);
    expect(kiwi.engine.parts.tts?.model).toBe('tts-piper-en-us-joe-medium');
    expect(kiwi.models.isRunning('tts-kokoro-multi-lang-v1_0')).toBe(true);
    const status = kiwi.status(0);
    expect(status.tts_provider).toBe('piper');
    expect(status.tts_configured).toBe('kokoro');
    expect(status.fallbacks.find((f) => f.stage === 'tts')).toMatchObject({
      configured: 'tts-kokoro-multi-lang-v1_0',
      used: 'piper',
      reason: expect.stringContaining('not installed yet (downloading)'),
    });
  });

  it('voice, auto-download off: the change is refused with 409 model_not_installed and Piper keeps speaking', async () => {
    const kiwi = await start(false);
    const err: unknown = await kiwi.config.patch({ tts_provider: 'kokoro' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 409, code: 'model_not_installed', message: expect.stringContaining('kiwi models download tts-kokoro-multi-lang-v1_0') });
    expect(kiwi.config.current.tts_provider).toBe('piper');
    await kiwi.settled(10_000);
    expect(kiwi.engine.parts.tts?.model).toBe('tts-piper-en-us-joe-medium');
    // The system voice needs nothing installed: still a plain change.
    await kiwi.config.patch({ tts_provider: 'system' });
    await kiwi.settled(10_000);
    expect(kiwi.status(0).tts_provider).toBe('system');
  });

  it('language, auto-download on: the recogniser keeps hearing while the German one downloads; the voice falls back to the system voice, which speaks German', async () => {
    const kiwi = await start(true);
    await kiwi.config.patch({ language: 'de' });
    await kiwi.settled(10_000);
    expect(kiwi.engine.parts.stt?.model).toBe('stt-substitute-whisper-tiny-en');
    expect(kiwi.missing.filter((l) => l.startsWith('stt:'))).toEqual([]);
    const status = kiwi.status(0);
    const stt = status.fallbacks.find((f) => f.stage === 'stt');
    expect(stt).toMatchObject({ used: 'stt-substitute-whisper-tiny-en', reason: expect.stringContaining('not installed yet (downloading)') });
    expect(kiwi.models.isRunning(stt!.configured)).toBe(true);
    // Piper joe speaks only English: the sensible fallback is the system voice, said so.
    expect(status.tts_provider).toBe('system');
    expect(status.fallbacks.find((f) => f.stage === 'tts')).toMatchObject({ used: 'system' });
  });

  it('language, auto-download off: the change is made, the recogniser keeps hearing, and the status says what to install', async () => {
    const kiwi = await start(false);
    await kiwi.config.patch({ language: 'de' });
    await kiwi.settled(10_000);
    expect(kiwi.config.current.language).toBe('de');
    expect(kiwi.engine.parts.stt?.model).toBe('stt-substitute-whisper-tiny-en');
    const stt = kiwi.status(0).fallbacks.find((f) => f.stage === 'stt');
    expect(stt?.reason).toContain(`install it: kiwi models download ${stt?.configured}`);
    // Back to English: nothing is pending any more.
    await kiwi.config.patch({ language: 'en' });
    await kiwi.settled(10_000);
    expect(kiwi.status(0).fallbacks.find((f) => f.stage === 'stt')).toBeUndefined();
    expect(kiwi.engine.parts.stt?.model).toBe('stt-substitute-whisper-tiny-en');
  });
});
