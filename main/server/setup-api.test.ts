import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ErrorBody, SetupDownloadStarted, SetupPlan, Status } from '../contract/api.ts';
import { loadCatalog } from '../engine/models/catalog.ts';
import { startLoopbackServer, type LoopbackServer } from '../engine/models/testing/loopback-server.ts';
import { describeWithModels } from '../engine/models/testing/model-env.ts';
import { authOn, bearer, SCOPE_TOKENS } from '../testing/api-auth.ts';
import { makeTempDir, startTestKiwi, type TestKiwi } from '../testing/kiwi-test-server.ts';

/**
 * The first-run setup API against a real Kiwi: a catalog mirror on a loopback server holds the real
 * Silero VAD file (with its real sha256); the catalog has no speech recogniser or speaker model,
 * so those parts have nothing to offer. One POST downloads the set and the engine picks it up.
 */
describeWithModels('first-run setup API', (fixtures) => {
  let k: TestKiwi;
  let mirror: LoopbackServer;
  let dir: string;

  beforeAll(async () => {
    dir = await makeTempDir('kiwi-setup-');
    const body = await fs.readFile(path.join(fixtures, 'silero-vad', 'silero_vad.onnx'));
    mirror = await startLoopbackServer({ '/silero_vad.onnx': { body } });
    const vad = (await loadCatalog()).models.find((m) => m.id === 'silero-vad')!;
    expect(crypto.createHash('sha256').update(body).digest('hex')).toBe(vad.files[0]!.sha256);
    await fs.writeFile(path.join(dir, 'catalog.json'), JSON.stringify({ version: 1, models: [{ ...vad, files: [{ ...vad.files[0]!, url: mirror.url('/silero_vad.onnx') }] }] }));
    k = await startTestKiwi({
      env: { KIWI_MODELS_DIR: path.join(dir, 'models'), KIWI_CATALOG: path.join(dir, 'catalog.json'), KIWI_AUTO_DOWNLOAD_MODELS: 'false' },
      config: { api: authOn(), wake_word_engine: 'text', tts_provider: 'system', audio: { input: 'none', output: 'none' } },
    });
  });
  afterAll(async () => {
    await k?.cleanup();
    await mirror?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  const plan = async () => SetupPlan.parse((await k.request('GET', '/api/setup', { headers: bearer(SCOPE_TOKENS.read) })).json);

  it('lists, per part, the model to download for the language and the total size', async () => {
    const before = await plan();
    expect(before.language).toBe('en');
    expect(before.stages.map((s) => [s.stage, s.ready, s.model?.id ?? null, s.model?.installed ?? null])).toEqual([
      ['vad', null, 'silero-vad', false],
      ['stt', null, null, null],
      ['speaker', null, null, null],
    ]);
    expect(before.download_bytes).toBe(2327524);
  });

  it('downloading needs the admin scope (the API error shape)', async () => {
    const res = await k.request('POST', '/api/setup/download', { headers: bearer(SCOPE_TOKENS.control) });
    expect(res.status).toBe(403);
    expect(ErrorBody.parse(res.json).error.code).toBe('insufficient_scope');
  });

  it('one call downloads the set, verifies it and rebuilds the engine with it', async () => {
    const res = await k.request('POST', '/api/setup/download', { headers: bearer(SCOPE_TOKENS.admin) });
    expect(res.status, res.text).toBe(200);
    expect(SetupDownloadStarted.parse(res.json)).toEqual({ status: 'downloading', ids: ['silero-vad'], bytes: 2327524 });
    const vadMissing = async () => Status.parse((await k.request('GET', '/api/status', { headers: bearer(SCOPE_TOKENS.read) })).json).missing.some((l) => l.startsWith('vad:'));
    await expect.poll(vadMissing, { timeout: 20_000 }).toBe(false);
    const after = await plan();
    expect(after.stages[0]).toEqual({ stage: 'vad', ready: 'silero-vad', model: null });
    expect(after.download_bytes).toBe(0);
    // Nothing left to download: the call says so instead of failing.
    const again = await k.request('POST', '/api/setup/download', { headers: bearer(SCOPE_TOKENS.admin) });
    expect(SetupDownloadStarted.parse(again.json)).toEqual({ status: 'downloading', ids: [], bytes: 0 });
    expect(mirror.requests.filter((r) => r.path === '/silero_vad.onnx')).toHaveLength(1);
  });
});
