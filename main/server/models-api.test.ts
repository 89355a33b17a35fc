import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody, ModelDownloadStarted, ModelList } from '../contract/api.ts';
import { loadCatalog } from '../engine/models/index.ts';
import { appRoot } from '../platform/paths.ts';
import { authOn, bearer } from '../testing/api-auth.ts';
import { makeTempDir, startTestKiwi, type TestKiwi } from '../testing/kiwi-test-server.ts';
import { TestWsClient, wsUrl } from '../testing/ws-client.ts';

/**
 * GET /api/models and POST /api/models/{id}/download against a real Kiwi. The download takes the
 * catalog's own silero_vad.onnx from <models>/downloads (the offline path), so no network is used,
 * and still runs the sha256 check and the install.
 */
const VAD_FIXTURE = path.join(appRoot, '.kiwi-test', 'models', 'silero-vad', 'silero_vad.onnx');
const READ_TOKEN = 'read-only-token-0123456789';
const ADMIN_TOKEN = 'admin-token-0123456789abcdef';

describe('models API', () => {
  let k: TestKiwi;
  let modelsDir: string;
  let events: TestWsClient;

  beforeAll(async () => {
    modelsDir = await makeTempDir('kiwi-models-');
    k = await startTestKiwi({
      env: { KIWI_MODELS_DIR: modelsDir },
      config: {
        api: authOn([
          { name: 'reader', token: READ_TOKEN, scopes: ['read'] },
          { name: 'admin', token: ADMIN_TOKEN, scopes: ['admin'] },
        ]),
      },
    });
    events = await TestWsClient.connect(wsUrl(k.url, '/api/events'), bearer(READ_TOKEN));
  });
  afterAll(async () => {
    await events?.close();
    await k?.cleanup();
    await fs.rm(modelsDir, { recursive: true, force: true });
  });

  it('lists every catalog model, none installed in an empty folder', async () => {
    const res = await k.request('GET', '/api/models', { headers: bearer(READ_TOKEN) });
    expect(res.status, res.text).toBe(200);
    const { models } = ModelList.parse(res.json);
    const catalog = await loadCatalog();
    expect(models.map((m) => m.id)).toEqual(catalog.models.map((m) => m.id));
    expect(models.every((m) => !m.installed && !m.downloading)).toBe(true);
    expect(models.find((m) => m.id === 'silero-vad')).toMatchObject({ task: 'vad', verifiable: true, size_bytes: 2327524 });
  });

  it('needs the admin scope to download, and answers 404 for an unknown model', async () => {
    const forbidden = await k.request('POST', '/api/models/silero-vad/download', { headers: bearer(READ_TOKEN) });
    expect(forbidden.status).toBe(403);
    const unknown = await k.request('POST', '/api/models/no-such-model/download', { headers: bearer(ADMIN_TOKEN) });
    expect(unknown.status).toBe(404);
    expect(ErrorBody.parse(unknown.json).error.code).toBe('not_found');
    const badId = await k.request('POST', '/api/models/..%2Fetc/download', { headers: bearer(ADMIN_TOKEN) });
    expect(badId.status).toBe(400);
  });

  it('downloads (from the offline folder), verifies and installs, with STARTED/PROGRESS/COMPLETED events', async () => {
    await fs.mkdir(path.join(modelsDir, 'downloads'), { recursive: true });
    await fs.copyFile(VAD_FIXTURE, path.join(modelsDir, 'downloads', 'silero_vad.onnx'));
    const from = events.mark();
    const res = await k.request('POST', '/api/models/silero-vad/download', { headers: bearer(ADMIN_TOKEN), body: {} });
    expect(res.status, res.text).toBe(200);
    expect(ModelDownloadStarted.parse(res.json)).toEqual({ status: 'downloading', id: 'silero-vad' });

    const started = await events.waitForEvent('MODEL_DOWNLOAD_STARTED', from);
    expect(started.data).toMatchObject({ id: 'silero-vad', total: 2327524 });
    const progress = await events.waitForEvent('MODEL_DOWNLOAD_PROGRESS', from);
    expect(progress.data).toMatchObject({ id: 'silero-vad', bytes: 2327524, total: 2327524 });
    const done = await events.waitForEvent('MODEL_DOWNLOAD_COMPLETED', from, 15_000);
    expect(done.data).toMatchObject({ id: 'silero-vad' });

    const after = ModelList.parse((await k.request('GET', '/api/models', { headers: bearer(READ_TOKEN) })).json);
    expect(after.models.find((m) => m.id === 'silero-vad')).toMatchObject({ installed: true, downloading: false });
    await expect(fs.stat(path.join(modelsDir, 'silero-vad', 'silero_vad.onnx'))).resolves.toMatchObject({ size: 2327524 });
  });
});
