import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody, ModelDeleted, ModelDownloadCancelled, ModelDownloadStarted, ModelList } from '../contract/api.ts';
import { startLoopbackServer, type LoopbackServer } from '../engine/models/testing/loopback-server.ts';
import { randomBody, sha256, testCatalog } from '../engine/models/testing/test-catalog.ts';
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

  it('says a model that is installed (and verifies) is installed, instead of "downloading", and fetches nothing', async () => {
    const from = events.mark();
    const res = await k.request('POST', '/api/models/silero-vad/download', { headers: bearer(ADMIN_TOKEN), body: {} });
    expect(res.status, res.text).toBe(200);
    expect(ModelDownloadStarted.parse(res.json)).toEqual({ status: 'installed', id: 'silero-vad' });
    // The dashboard still hears that it is there; no download ever began.
    const done = await events.waitForEvent('MODEL_DOWNLOAD_COMPLETED', from);
    expect(done.data).toMatchObject({ id: 'silero-vad' });
    const seen = events.json.slice(from).map((m) => (m as { event?: string }).event);
    expect(seen).not.toContain('MODEL_DOWNLOAD_STARTED');
    const list = ModelList.parse((await k.request('GET', '/api/models', { headers: bearer(READ_TOKEN) })).json);
    expect(list.models.find((m) => m.id === 'silero-vad')).toMatchObject({ installed: true, downloading: false });
  });

  it('the engine picks up a model installed through the API by itself; DELETE refuses it while in use, then frees the disk', async () => {
    // The download above gave the VAD stage (missing until then) its model, without a restart.
    await events.waitFor((m) => m.event === 'ENGINE_READY' && !(m.data as { missing: string[] }).missing.some((l) => l.startsWith('vad:')));
    const status = (await k.request('GET', '/api/status', { headers: bearer(READ_TOKEN) })).json as { missing: string[] };
    expect(status.missing.filter((l) => l.startsWith('vad:'))).toEqual([]);

    expect((await k.request('DELETE', '/api/models/silero-vad', { headers: bearer(READ_TOKEN) })).status).toBe(403);
    const unknown = await k.request('DELETE', '/api/models/no-such-model', { headers: bearer(ADMIN_TOKEN) });
    expect(unknown.status).toBe(404);
    expect(ErrorBody.parse(unknown.json).error.code).toBe('not_found');
    const absent = await k.request('DELETE', '/api/models/silero-vad-sherpa', { headers: bearer(ADMIN_TOKEN) });
    expect(absent.status, absent.text).toBe(409);
    expect(ErrorBody.parse(absent.json).error.code).toBe('not_installed');
    const inUse = await k.request('DELETE', '/api/models/silero-vad', { headers: bearer(ADMIN_TOKEN) });
    expect(inUse.status, inUse.text).toBe(409);
    expect(ErrorBody.parse(inUse.json).error).toMatchObject({ code: 'model_in_use', message: expect.stringContaining('choose another model') });
    await expect(fs.stat(path.join(modelsDir, 'silero-vad', 'silero_vad.onnx'))).resolves.toBeDefined();

    // Choosing a VAD model that is not installed, with auto-download off: refused, the working VAD stays.
    const patch = await k.request('PATCH', '/api/config', { headers: bearer(ADMIN_TOKEN), body: { voice: { vad_model: 'silero-vad-sherpa' } } });
    expect(patch.status, patch.text).toBe(409);
    expect(ErrorBody.parse(patch.json).error.code).toBe('model_not_installed');
  });

  it('says at once why a download cannot begin (the models folder cannot take files), rather than "downloading" then a failure event', async () => {
    await fs.rm(path.join(modelsDir, 'downloads'), { recursive: true, force: true });
    await fs.writeFile(path.join(modelsDir, 'downloads'), 'a file where Kiwi keeps its downloads folder');
    const from = events.mark();
    try {
      const res = await k.request('POST', '/api/models/silero-vad-sherpa/download', { headers: bearer(ADMIN_TOKEN), body: {} });
      expect(res.status, res.text).toBe(503);
      const { error } = ErrorBody.parse(res.json);
      expect(error.code).toBe('models_dir_unwritable');
      expect(error.message).toContain(path.join(modelsDir, 'downloads'));
      const failed = await events.waitForEvent('MODEL_DOWNLOAD_FAILED', from);
      expect(failed.data).toMatchObject({ id: 'silero-vad-sherpa' });
      expect(events.json.slice(from).map((m) => (m as { event?: string }).event)).not.toContain('MODEL_DOWNLOAD_STARTED');
    } finally {
      await fs.rm(path.join(modelsDir, 'downloads'), { force: true });
    }
  });
});

describe('cancelling a model download', () => {
  const body = randomBody(4_000_000);
  let k: TestKiwi;
  let dir: string;
  let server: LoopbackServer;
  let events: TestWsClient;

  beforeAll(async () => {
    dir = await makeTempDir('kiwi-models-cancel-');
    server = await startLoopbackServer({ '/slow.bin': { body, slow: true } });
    const catalog = testCatalog('slow-model', [{ url: server.url('/slow.bin'), sha256: sha256(body), size: body.length }]);
    // A task no engine stage runs: the engine never loads these random bytes (so it can be deleted below).
    catalog.models[0] = { ...catalog.models[0]!, task: 'punct', engine: 'sherpa-punct' };
    await fs.writeFile(path.join(dir, 'catalog.json'), JSON.stringify(catalog));
    k = await startTestKiwi({ env: { KIWI_MODELS_DIR: path.join(dir, 'models'), KIWI_CATALOG: path.join(dir, 'catalog.json') } });
    events = await TestWsClient.connect(wsUrl(k.url, '/api/events'));
  });
  afterAll(async () => {
    await events?.close();
    await k?.cleanup();
    await server?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('stops a running download, keeps what was fetched, and a new download resumes from it', async () => {
    const notRunning = await k.request('DELETE', '/api/models/slow-model/download');
    expect(notRunning.status).toBe(409);
    expect(ErrorBody.parse(notRunning.json).error.code).toBe('not_downloading');
    expect((await k.request('DELETE', '/api/models/no-such-model/download')).status).toBe(404);

    const from = events.mark();
    const started = await k.request('POST', '/api/models/slow-model/download', { body: {} });
    expect(ModelDownloadStarted.parse(started.json).status).toBe('downloading');
    await events.waitFor((m) => m.event === 'MODEL_DOWNLOAD_PROGRESS' && ((m.data as { bytes?: number }).bytes ?? 0) > 100_000, { from });

    const cancelled = await k.request('DELETE', '/api/models/slow-model/download');
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(ModelDownloadCancelled.parse(cancelled.json)).toEqual({ status: 'cancelled', id: 'slow-model' });
    const failed = await events.waitForEvent('MODEL_DOWNLOAD_FAILED', from);
    expect((failed.data as { error: string }).error).toMatch(/cancelled/);
    const listed = ModelList.parse((await k.request('GET', '/api/models')).json).models.find((m) => m.id === 'slow-model');
    expect(listed).toMatchObject({ installed: false, downloading: false });
    const part = await fs.stat(path.join(dir, 'models', 'downloads', 'slow.bin.part'));
    expect(part.size).toBeGreaterThan(0);
    expect(part.size).toBeLessThan(body.length);

    const again = events.mark();
    expect(ModelDownloadStarted.parse((await k.request('POST', '/api/models/slow-model/download', { body: {} })).json).status).toBe('downloading');
    await events.waitForEvent('MODEL_DOWNLOAD_COMPLETED', again, 20_000);
    expect(server.requests.at(-1)?.range).toMatch(/^bytes=[1-9][0-9]*-$/); // resumed, not started over
    expect(sha256(await fs.readFile(path.join(dir, 'models', 'slow-model', 'slow.bin')))).toBe(sha256(body));
  }, 30_000);

  it('DELETE /api/models/{id} refuses a model while it downloads, then deletes it, frees the disk and tells the dashboards', async () => {
    const from = events.mark();
    // Installed, but a download of it is under way (its files fail verification, so it is fetched again).
    await fs.appendFile(path.join(dir, 'models', 'slow-model', 'slow.bin'), 'x');
    expect(ModelDownloadStarted.parse((await k.request('POST', '/api/models/slow-model/download', { body: {} })).json).status).toBe('downloading');
    const busy = await k.request('DELETE', '/api/models/slow-model');
    expect(busy.status, busy.text).toBe(409);
    expect(ErrorBody.parse(busy.json).error).toMatchObject({ code: 'download_running', message: expect.stringContaining('cancel it first') });
    const completed = await events.waitForEvent('MODEL_DOWNLOAD_COMPLETED', from, 20_000);
    // The engine then looks again for the stages it lacks (no VAD here); by then the download is over.
    await events.waitFor((m) => m.event === 'ENGINE_READY', { from: events.json.indexOf(completed) + 1 });

    const res = await k.request('DELETE', '/api/models/slow-model');
    expect(res.status, res.text).toBe(200);
    expect(ModelDeleted.parse(res.json)).toEqual({ deleted: 'slow-model', freed_bytes: expect.any(Number) });
    expect((res.json as { freed_bytes: number }).freed_bytes).toBeGreaterThanOrEqual(body.length);
    const deleted = await events.waitForEvent('MODEL_DELETED', from);
    expect(deleted.data).toMatchObject({ id: 'slow-model', freed_bytes: (res.json as { freed_bytes: number }).freed_bytes });
    await expect(fs.stat(path.join(dir, 'models', 'slow-model'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(ModelList.parse((await k.request('GET', '/api/models')).json).models.find((m) => m.id === 'slow-model')).toMatchObject({ installed: false });
    const again = await k.request('DELETE', '/api/models/slow-model');
    expect(again.status).toBe(409);
    expect(ErrorBody.parse(again.json).error.code).toBe('not_installed');
  }, 30_000);
});

describe('a models folder that is not a folder (KIWI_MODELS_DIR names a file)', () => {
  let k: TestKiwi;
  let dir: string;
  let notAFolder: string;

  beforeAll(async () => {
    dir = await makeTempDir('kiwi-models-file-');
    notAFolder = path.join(dir, 'models');
    await fs.writeFile(notAFolder, 'not a folder');
    k = await startTestKiwi({ env: { KIWI_MODELS_DIR: notAFolder } });
  });
  afterAll(async () => {
    await k?.cleanup();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('Kiwi runs, and the first-run plan and the status name the folder and what to do, not an internal error', async () => {
    const setup = await k.request('GET', '/api/setup');
    expect(setup.status, setup.text).toBe(503);
    const { error } = ErrorBody.parse(setup.json);
    expect(error.code).toBe('models_dir_unusable');
    expect(error.message).toContain(notAFolder);
    expect(error.message).toContain('KIWI_MODELS_DIR');
    const status = (await k.request('GET', '/api/status')).json as { missing: string[] };
    expect(status.missing.find((line) => line.startsWith('vad:'))).toContain(`the models folder ${notAFolder} cannot be read (ENOTDIR)`);
  });
});
