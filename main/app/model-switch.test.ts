import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, expect, it } from 'vitest';
import type { EventEnvelope } from '../contract/events.ts';
import { loadCatalog } from '../engine/models/catalog.ts';
import { describeWithModels } from '../engine/models/testing/model-env.ts';
import { startHeldServer, startRuntimeIn, type HeldServer } from '../testing/runtime-in.ts';
import type { KiwiRuntime } from './runtime.ts';

/**
 * Choosing another model (here a second VAD model, `silero-vad-copy`: the Silero file under its own
 * id, served by a loopback stand-in that answers only when the test lets it) must never leave Kiwi
 * without the working one: refused while it is not installed and auto-download is off; kept
 * running (and said so) while the new one downloads; picked up by itself once it is installed,
 * however it was installed.
 */
describeWithModels('switching to a model that is not installed', (fixtures) => {
  let body: Buffer;
  let dir: string;
  let server: HeldServer | undefined;
  let answer: 'file' | 'missing' = 'file';
  let runtime: KiwiRuntime | undefined;
  const release = () => server!.release();

  beforeAll(async () => {
    body = await fs.readFile(path.join(fixtures, 'silero-vad', 'silero_vad.onnx'));
  });
  afterEach(async () => {
    server?.release();
    answer = 'file';
    await runtime?.close();
    runtime = undefined;
    await server?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  /** A runtime whose models folder holds silero-vad; `silero-vad-copy` is in the catalog, not installed. */
  async function start(autoDownload: boolean): Promise<{ events: EventEnvelope[] }> {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiwi-switch-'));
    await fs.cp(path.join(fixtures, 'silero-vad'), path.join(dir, 'models', 'silero-vad'), { recursive: true });
    server = await startHeldServer((_req, res) => (answer === 'file' ? res.writeHead(200, { 'Content-Length': body.length }).end(body) : res.writeHead(404).end()));
    const url = `${server.base}/silero_vad.onnx`;
    const shipped = (await loadCatalog()).models.find((m) => m.id === 'silero-vad')!;
    const sha256 = crypto.createHash('sha256').update(body).digest('hex');
    const copy = { ...shipped, id: 'silero-vad-copy', name: 'Silero VAD (copy)', default_for: [], files: [{ ...shipped.files[0]!, url, sha256, size: body.length }] };
    runtime = await startRuntimeIn(dir, { autoDownload, catalog: { version: 1, models: [shipped, copy] } });
    const events: EventEnvelope[] = [];
    runtime.bus.subscribe((e) => events.push(e));
    expect(runtime.engine.parts.vad?.name).toBe('silero');
    return { events };
  }

  function next(events: EventEnvelope[], name: string, from = events.length): Promise<EventEnvelope> {
    return new Promise((resolve) => {
      const seen = () => events.slice(from).find((e) => e.event === name);
      const found = seen();
      if (found) return resolve(found);
      const stop = runtime!.bus.subscribe((e) => {
        if (e.event === name) {
          stop();
          resolve(e);
        }
      });
    });
  }

  it('auto-download off: the change is refused with 409 model_not_installed and the working VAD keeps running', async () => {
    await start(false);
    const err: unknown = await runtime!.config.patch({ voice: { vad_model: 'silero-vad-copy' } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 409, code: 'model_not_installed', message: expect.stringContaining('kiwi models download silero-vad-copy') });
    expect(runtime!.config.current.voice.vad_model).toBe('auto');
    await runtime!.settled(5_000);
    expect(runtime!.engine.parts.vad?.name).toBe('silero');
    expect(runtime!.missing.filter((l) => l.startsWith('vad:'))).toEqual([]);
    // A model that is installed is still a plain change.
    await runtime!.config.patch({ voice: { vad_model: 'silero-vad' } });
    expect(runtime!.config.current.voice.vad_model).toBe('silero-vad');
  });

  it('auto-download on: the working VAD keeps running while the new one downloads (status says so), then the engine switches by itself', async () => {
    const { events } = await start(true);
    const started = next(events, 'MODEL_DOWNLOAD_STARTED');
    await runtime!.config.patch({ voice: { vad_model: 'silero-vad-copy' } });
    await runtime!.settled(10_000);
    await started;
    // Mid-download: still listening with the old model, and the status says the switch is pending.
    expect(runtime!.engine.parts.vad?.name).toBe('silero');
    expect(runtime!.missing.filter((l) => l.startsWith('vad:'))).toEqual([]);
    const pending = runtime!.status(0).fallbacks.find((f) => f.stage === 'vad');
    expect(pending).toMatchObject({ configured: 'silero-vad-copy', reason: expect.stringContaining('not installed yet') });
    const from = events.length;
    release();
    await next(events, 'MODEL_DOWNLOAD_COMPLETED', from);
    await next(events, 'ENGINE_READY', from);
    await runtime!.settled(10_000);
    expect(runtime!.engine.parts.vad?.name).toBe('silero');
    expect(runtime!.status(0).fallbacks.find((f) => f.stage === 'vad')).toBeUndefined();
  });

  it('auto-download on: the kept VAD runs with the change\'s other settings at once, and with those changed while it waits', async () => {
    const { events } = await start(true);
    const started = next(events, 'MODEL_DOWNLOAD_STARTED');
    const before = runtime!.engine.parts.vad;
    // What the Silero part was built with (the options the model runs on; not read live by the endpointer).
    const maxUtterance = () => (runtime!.engine.parts.vad as unknown as { options: { maxUtteranceS: number } }).options.maxUtteranceS;
    await runtime!.config.patch({ voice: { vad_model: 'silero-vad-copy', max_utterance_s: 20 } });
    await runtime!.settled(10_000);
    await started;
    expect(runtime!.engine.parts.vad).not.toBe(before);
    expect(maxUtterance()).toBe(20);
    expect(runtime!.status(0).fallbacks.find((f) => f.stage === 'vad')).toMatchObject({ configured: 'silero-vad-copy', used: 'silero' });
    await runtime!.config.patch({ voice: { max_utterance_s: 12 } });
    await runtime!.settled(10_000);
    expect(maxUtterance()).toBe(12);
    expect(runtime!.models.isRunning('silero-vad-copy')).toBe(true); // still waiting for the new model, not fetched again
    expect(runtime!.status(0).fallbacks.find((f) => f.stage === 'vad')).toMatchObject({ configured: 'silero-vad-copy', used: 'silero' });
  });

  it('auto-download on, the download fails: the working VAD stays, and the status stops saying "downloading"', async () => {
    const { events } = await start(true);
    answer = 'missing';
    const failed = next(events, 'MODEL_DOWNLOAD_FAILED');
    await runtime!.config.patch({ voice: { vad_model: 'silero-vad-copy' } });
    await runtime!.settled(10_000);
    release();
    await failed;
    expect(await runtime!.models.finished('silero-vad-copy')).toBe(false);
    await new Promise(setImmediate); // the promise callbacks the failed download settled have all run (a tick, not a wait)
    expect(runtime!.engine.parts.vad?.name).toBe('silero');
    const pending = runtime!.status(0).fallbacks.find((f) => f.stage === 'vad');
    expect(pending?.reason).toContain('its download failed; install it: kiwi models download silero-vad-copy');
  });

  it('deleting: the model the engine runs on is refused; the one it left is deleted, and choosing it again is refused', async () => {
    const { events } = await start(false);
    release();
    const { installed } = await runtime!.models.start('silero-vad-copy', { trustUnverified: false });
    expect(await installed).toBe(true);
    await runtime!.config.patch({ voice: { vad_model: 'silero-vad-copy' } });
    await runtime!.settled(10_000);
    await expect(runtime!.models.remove('silero-vad-copy')).rejects.toMatchObject({ status: 409, code: 'model_in_use' });
    const from = events.length;
    const removed = await runtime!.models.remove('silero-vad');
    expect(removed.freed_bytes).toBeGreaterThanOrEqual(body.length);
    expect((await next(events, 'MODEL_DELETED', from)).data).toEqual({ id: 'silero-vad', freed_bytes: removed.freed_bytes });
    await expect(fs.stat(path.join(dir, 'models', 'silero-vad'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(runtime!.engine.parts.vad?.name).toBe('silero'); // still listening, on the copy
    await expect(runtime!.config.patch({ voice: { vad_model: 'silero-vad' } })).rejects.toMatchObject({ status: 409, code: 'model_not_installed' });
  });

  it('a model installed through the models API is picked up by a stage waiting for it, without a restart', async () => {
    await start(false);
    // The only VAD model goes away (by hand): the stage is missing and names what to install.
    await fs.rm(path.join(dir, 'models', 'silero-vad'), { recursive: true });
    await runtime!.restart();
    expect(runtime!.engine.parts.vad).toBeUndefined();
    const { installed } = await runtime!.models.start('silero-vad-copy', { trustUnverified: false });
    const events: EventEnvelope[] = [];
    runtime!.bus.subscribe((e) => events.push(e));
    const ready = next(events, 'ENGINE_READY');
    release();
    expect(await installed).toBe(true);
    await ready;
    await runtime!.settled(10_000);
    expect(runtime!.engine.parts.vad?.name).toBe('silero');
  });
});
