import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EventEnvelope } from '../contract/events.ts';
import { loadCatalog } from '../engine/models/catalog.ts';
import { describeWithModels } from '../engine/models/testing/model-env.ts';
import { startLoopbackServer, type LoopbackServer } from '../engine/models/testing/loopback-server.ts';
import { startRuntimeIn } from '../testing/runtime-in.ts';
import type { KiwiRuntime } from './runtime.ts';

/**
 * First use: Kiwi downloads the models its configured stages lack (here Silero VAD, served by a
 * loopback stand-in for GitHub with the real file and its real sha256), then rebuilds the engine.
 */
describeWithModels('models are installed on first use', (modelsDir) => {
  let server: LoopbackServer;
  let dir: string;
  let catalog: unknown;
  let runtime: KiwiRuntime | undefined;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiwi-first-use-'));
    const body = await fs.readFile(path.join(modelsDir, 'silero-vad', 'silero_vad.onnx'));
    server = await startLoopbackServer({ '/silero_vad.onnx': { body, slow: true } });
    const shipped = (await loadCatalog()).models.find((m) => m.id === 'silero-vad')!;
    const sha256 = crypto.createHash('sha256').update(body).digest('hex');
    expect(sha256).toBe(shipped.files[0]!.sha256); // the fixture is the very file the catalog names
    catalog = { version: 1, models: [{ ...shipped, files: [{ ...shipped.files[0]!, url: server.url('/silero_vad.onnx') }] }] };
  });
  afterAll(async () => {
    await runtime?.close();
    await server?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('downloads what is missing with progress events, verifies it, and rebuilds the engine with it', async () => {
    runtime = await startRuntimeIn(dir, { catalog });
    const events: EventEnvelope[] = [];
    runtime.bus.subscribe((e) => events.push(e));
    expect(runtime.engine.parts.vad).toBeUndefined();
    expect(runtime.engine.missing.find((l) => l.startsWith('vad:'))).toMatch(/kiwi models download silero-vad/);
    for (let waited = 0; !runtime.engine.parts.vad && waited < 20_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
    expect(runtime.engine.parts.vad?.name).toBe('silero');
    const names = events.map((e) => e.event);
    expect(names).toEqual(expect.arrayContaining(['MODEL_DOWNLOAD_PROGRESS', 'MODEL_DOWNLOAD_COMPLETED', 'ENGINE_READY']));
    expect(names.indexOf('MODEL_DOWNLOAD_COMPLETED')).toBeLessThan(names.lastIndexOf('ENGINE_READY'));
  }, 30_000);
});
