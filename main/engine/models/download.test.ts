import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KiwiError } from '../../platform/errors.ts';
import { downloadModel, downloadsDir, obtainModel } from './download.ts';
import type { ModelDownloadEvent } from './events.ts';
import { startLoopbackServer, type LoopbackServer } from './testing/loopback-server.ts';
import { randomBody, sha256, testCatalog } from './testing/test-catalog.ts';
import { verifyModel } from './verify.ts';

let root: string;
let server: LoopbackServer | undefined;

beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'kiwi-models-'));
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  await fs.rm(root, { recursive: true, force: true });
});

describe('downloadModel', () => {
  it('resumes with a Range request when the connection drops halfway, and installs the verified file', async () => {
    const body = randomBody(1_000_000);
    server = await startLoopbackServer({ '/vad.onnx': { body, dropAfter: 500_000 } });
    const catalog = testCatalog('vad-test', [{ url: server.url('/vad.onnx'), sha256: sha256(body), size: body.length }]);
    const events: ModelDownloadEvent[] = [];

    const installed = await downloadModel('vad-test', { modelsDir: root, catalog, onEvent: (e) => events.push(e), progressIntervalMs: 0 });

    expect(installed).toBe(path.join(root, 'vad-test'));
    expect(sha256(await fs.readFile(path.join(installed, 'vad.onnx')))).toBe(sha256(body));
    expect(server.requests).toHaveLength(2);
    expect(server.requests[0]!.range).toBeUndefined();
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(server.requests[1]!.range ?? '')?.[1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(500_000);
    expect(events[0]).toEqual({ event: 'MODEL_DOWNLOAD_STARTED', data: { id: 'vad-test', bytes: 0, total: body.length } });
    expect(events.at(-1)?.event).toBe('MODEL_DOWNLOAD_COMPLETED');
    expect(events.at(-1)?.data.path).toBe(installed);
    expect(await fs.readdir(downloadsDir(root))).toEqual([]); // the download is consumed by the install
  });

  it('keeps the .part file when cancelled, and a later run resumes from it', async () => {
    const body = randomBody(2_000_000);
    server = await startLoopbackServer({ '/big.bin': { body, slow: true } });
    const catalog = testCatalog('big', [{ url: server.url('/big.bin'), sha256: sha256(body), size: body.length }]);
    const controller = new AbortController();
    const first = downloadModel('big', {
      modelsDir: root,
      catalog,
      signal: controller.signal,
      progressIntervalMs: 0,
      onEvent: (e) => {
        if (e.event === 'MODEL_DOWNLOAD_PROGRESS' && (e.data.bytes ?? 0) > 300_000) controller.abort();
      },
    });
    await expect(first).rejects.toMatchObject({ code: 'model_download_aborted' });
    const part = await fs.stat(path.join(downloadsDir(root), 'big.bin.part'));
    // Counted bytes may still be in the write stream's buffer at the abort: roughly, not exactly, 300 kB.
    expect(part.size).toBeGreaterThan(200_000);
    expect(part.size).toBeLessThan(body.length);

    await downloadModel('big', { modelsDir: root, catalog });

    expect(server.requests.at(-1)?.range).toBe(`bytes=${part.size}-`);
    expect(sha256(await fs.readFile(path.join(root, 'big', 'big.bin')))).toBe(sha256(body));
  });

  it('reports rate and ETA while downloading', async () => {
    const body = randomBody(600_000);
    server = await startLoopbackServer({ '/m.bin': { body, slow: true } });
    const catalog = testCatalog('m', [{ url: server.url('/m.bin'), sha256: sha256(body), size: body.length }]);
    const progress: ModelDownloadEvent['data'][] = [];
    await downloadModel('m', {
      modelsDir: root,
      catalog,
      progressIntervalMs: 0,
      onEvent: (e) => e.event === 'MODEL_DOWNLOAD_PROGRESS' && progress.push(e.data),
    });
    const midway = progress.find((p) => (p.bytes ?? 0) > 200_000 && (p.bytes ?? 0) < 500_000);
    expect(midway?.file).toBe('m.bin');
    expect(midway?.total).toBe(600_000);
    expect(midway?.rate_bps).toBeGreaterThan(0);
    // Over 100 kB were still to come: the ETA is the rest at the reported rate (rounded up), never 0 or null.
    const expectedEta = (600_000 - midway!.bytes!) / midway!.rate_bps!;
    expect(midway?.eta_s).toBeGreaterThan(0);
    expect(Math.abs(midway!.eta_s! - expectedEta)).toBeLessThanOrEqual(1);
    expect(progress.at(-1)?.bytes).toBe(600_000);
  });

  it('refuses a file whose sha256 differs, deletes it and installs nothing', async () => {
    const body = randomBody(10_000);
    server = await startLoopbackServer({ '/x.bin': { body } });
    const catalog = testCatalog('x', [{ url: server.url('/x.bin'), sha256: sha256(Buffer.from('something else')), size: body.length }]);
    const failed: ModelDownloadEvent[] = [];

    await expect(downloadModel('x', { modelsDir: root, catalog, onEvent: (e) => failed.push(e) })).rejects.toMatchObject({
      code: 'model_checksum_mismatch',
    });
    expect(failed.at(-1)?.event).toBe('MODEL_DOWNLOAD_FAILED');
    expect(await fs.readdir(downloadsDir(root))).toEqual([]);
    await expect(fs.stat(path.join(root, 'x'))).rejects.toThrow(/ENOENT/);
  });

  it('will not install a file without a published sha256 unless trusted explicitly', async () => {
    const body = randomBody(5_000);
    server = await startLoopbackServer({ '/u.bin': { body } });
    const catalog = testCatalog('u', [{ url: server.url('/u.bin'), sha256: null, sha256_note: 'no hash published', size: null }]);

    await expect(downloadModel('u', { modelsDir: root, catalog })).rejects.toMatchObject({ code: 'model_unverifiable' });
    expect(server.requests).toHaveLength(0); // refused before any download

    await downloadModel('u', { modelsDir: root, catalog, trustUnverified: true });
    const result = await verifyModel('u', { modelsDir: root, catalog });
    expect(result.ok).toBe(true);
    expect(result.warnings.join()).toMatch(/trust-unverified/);
  });

  it('says what to do when the host cannot be reached', async () => {
    // A port nobody listens on: connection refused, on loopback only.
    const probe = await startLoopbackServer({});
    const deadUrl = probe.url('/gone.bin');
    await probe.close();
    const catalog = testCatalog('off', [{ url: deadUrl, sha256: sha256(Buffer.from('x')), size: 1 }]);

    const error = await downloadModel('off', { modelsDir: root, catalog }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(KiwiError);
    expect((error as KiwiError).code).toBe('models_offline');
    expect((error as KiwiError).message).toContain(`could not reach ${new URL(deadUrl).host}`);
    expect((error as KiwiError).message).toContain(`put the files in ${downloadsDir(root)} or set KIWI_MODELS_DIR`);
  });

  it('installs offline from a file the user put in the downloads folder', async () => {
    const body = randomBody(20_000);
    await fs.mkdir(downloadsDir(root), { recursive: true });
    await fs.writeFile(path.join(downloadsDir(root), 'hand.bin'), body);
    const catalog = testCatalog('hand', [{ url: 'https://example.invalid/models/hand.bin', sha256: sha256(body), size: body.length }]);

    const installed = await downloadModel('hand', { modelsDir: root, catalog });

    expect(sha256(await fs.readFile(path.join(installed, 'hand.bin')))).toBe(sha256(body));
  });

  it('leaves an installed model that verifies as it is, without the network', async () => {
    const body = randomBody(20_000);
    server = await startLoopbackServer({ '/ok.bin': { body } });
    const catalog = testCatalog('ok', [{ url: server.url('/ok.bin'), sha256: sha256(body), size: body.length }]);
    await downloadModel('ok', { modelsDir: root, catalog });
    await server.close(); // from here on the host is unreachable: offline, as the tester was
    const events: ModelDownloadEvent[] = [];

    const again = await obtainModel('ok', { modelsDir: root, catalog, onEvent: (e) => events.push(e) });

    expect(again).toEqual({ path: path.join(root, 'ok'), alreadyInstalled: true });
    expect(events.map((e) => e.event)).toEqual(['MODEL_DOWNLOAD_COMPLETED']); // the dashboard shows it done
    expect(await downloadModel('ok', { modelsDir: root, catalog })).toBe(path.join(root, 'ok')); // the API's and first use's path
  });

  it('fetches only the broken file of an installed model, reusing the intact one', async () => {
    const a = randomBody(10_000);
    const b = randomBody(12_000);
    server = await startLoopbackServer({ '/a.bin': { body: a }, '/b.bin': { body: b } });
    const catalog = testCatalog('two', [
      { url: server.url('/a.bin'), sha256: sha256(a), size: a.length },
      { url: server.url('/b.bin'), sha256: sha256(b), size: b.length },
    ]);
    const installed = await downloadModel('two', { modelsDir: root, catalog });
    await fs.writeFile(path.join(installed, 'b.bin'), 'damaged');
    const before = server.requests.length;

    const repaired = await obtainModel('two', { modelsDir: root, catalog });

    expect(repaired.alreadyInstalled).toBe(false);
    expect(server.requests.slice(before).map((r) => r.path)).toEqual(['/b.bin']);
    expect((await verifyModel('two', { modelsDir: root, catalog })).ok).toBe(true);
  });

  it('offline, says that a file put in downloads/ is not the catalog\'s (expected and actual sha256), not to put it there', async () => {
    const probe = await startLoopbackServer({});
    const deadUrl = probe.url('/hand.bin');
    await probe.close();
    const body = randomBody(3_000);
    const wrong = Buffer.from('a truncated or different file');
    await fs.mkdir(downloadsDir(root), { recursive: true });
    await fs.writeFile(path.join(downloadsDir(root), 'hand.bin'), wrong);
    const catalog = testCatalog('hand', [{ url: deadUrl, sha256: sha256(body), size: body.length }]);

    const error = (await downloadModel('hand', { modelsDir: root, catalog }).catch((e: unknown) => e)) as KiwiError;

    expect(error.code).toBe('models_offline');
    expect(error.message).toContain(
      `${path.join(downloadsDir(root), 'hand.bin')} is not the catalog's file (sha256 ${sha256(wrong)}, ${wrong.length} bytes; ` +
        `expected ${sha256(body)}, ${body.length} bytes): replace it with the file from ${deadUrl}`,
    );
    expect(error.message).not.toContain('put the files in');
  });

  it('replaces a wrong file in downloads/ with the download when the host answers', async () => {
    const body = randomBody(3_000);
    server = await startLoopbackServer({ '/w.bin': { body } });
    await fs.mkdir(downloadsDir(root), { recursive: true });
    await fs.writeFile(path.join(downloadsDir(root), 'w.bin'), 'wrong');
    const catalog = testCatalog('w', [{ url: server.url('/w.bin'), sha256: sha256(body), size: body.length }]);

    const installed = await downloadModel('w', { modelsDir: root, catalog });

    expect(sha256(await fs.readFile(path.join(installed, 'w.bin')))).toBe(sha256(body));
  });

  it('refuses a second download of the same model into the same folder while one runs (another process: the CLI and the server)', async () => {
    const body = randomBody(1_000_000);
    server = await startLoopbackServer({ '/twice.bin': { body, slow: true } });
    const catalog = testCatalog('twice', [{ url: server.url('/twice.bin'), sha256: sha256(body), size: body.length }]);
    let began!: () => void;
    const started = new Promise<void>((resolve) => (began = resolve));
    const first = obtainModel('twice', { modelsDir: root, catalog, onEvent: (e) => e.event === 'MODEL_DOWNLOAD_STARTED' && began() });
    await started;

    const second = await obtainModel('twice', { modelsDir: root, catalog }).catch((e: unknown) => e);

    expect(second).toBeInstanceOf(KiwiError);
    expect(second).toMatchObject({ code: 'download_running', status: 409 });
    expect((await first).alreadyInstalled).toBe(false);
    expect((await verifyModel('twice', { modelsDir: root, catalog })).ok).toBe(true);
    expect(await fs.readdir(downloadsDir(root))).toEqual([]); // the lock goes with the download
  });

  it('takes over the lock of a download whose process is gone (killed mid-download)', async () => {
    const body = randomBody(10_000);
    server = await startLoopbackServer({ '/stale.bin': { body } });
    const catalog = testCatalog('stale', [{ url: server.url('/stale.bin'), sha256: sha256(body), size: body.length }]);
    const gone = spawnSync(process.execPath, ['-e', '0']).pid; // a pid whose process has exited
    await fs.mkdir(downloadsDir(root), { recursive: true });
    await fs.writeFile(path.join(downloadsDir(root), 'stale.lock'), String(gone));

    await downloadModel('stale', { modelsDir: root, catalog });

    expect((await verifyModel('stale', { modelsDir: root, catalog })).ok).toBe(true);
  });

  it('takes over a lock with its own pid that it does not hold (an earlier run with the same pid, as in a container)', async () => {
    const body = randomBody(10_000);
    server = await startLoopbackServer({ '/same.bin': { body } });
    const catalog = testCatalog('same', [{ url: server.url('/same.bin'), sha256: sha256(body), size: body.length }]);
    await fs.mkdir(downloadsDir(root), { recursive: true });
    await fs.writeFile(path.join(downloadsDir(root), 'same.lock'), String(process.pid));

    await downloadModel('same', { modelsDir: root, catalog });

    expect((await verifyModel('same', { modelsDir: root, catalog })).ok).toBe(true);
  });

  it('unpacks a .tar.bz2 archive, stepping into its single top folder, and replaces an older install atomically', async () => {
    const src = await fs.mkdtemp(path.join(os.tmpdir(), 'kiwi-archive-'));
    await fs.mkdir(path.join(src, 'model-2024', 'data'), { recursive: true });
    await fs.writeFile(path.join(src, 'model-2024', 'model.onnx'), 'weights');
    await fs.writeFile(path.join(src, 'model-2024', 'data', 'tokens.txt'), 'a 0\nb 1\n');
    const archive = path.join(src, 'model.tar.bz2');
    execFileSync('tar', ['-cjf', archive, '-C', src, 'model-2024']);
    const body = await fs.readFile(archive);
    server = await startLoopbackServer({ '/model.tar.bz2': { body } });
    const catalog = testCatalog('arch', [{ url: server.url('/model.tar.bz2'), sha256: sha256(body), size: body.length, archive: 'tar.bz2' }]);
    await fs.mkdir(path.join(root, 'arch'), { recursive: true });
    await fs.writeFile(path.join(root, 'arch', 'stale.txt'), 'from an older install');

    const installed = await downloadModel('arch', { modelsDir: root, catalog });

    expect(await fs.readFile(path.join(installed, 'model.onnx'), 'utf8')).toBe('weights');
    expect(await fs.readFile(path.join(installed, 'data', 'tokens.txt'), 'utf8')).toBe('a 0\nb 1\n');
    await expect(fs.stat(path.join(installed, 'stale.txt'))).rejects.toThrow(/ENOENT/);
    expect((await fs.readdir(root)).sort()).toEqual(['arch', 'downloads']); // no staging or old folders left
    expect((await verifyModel('arch', { modelsDir: root, catalog })).ok).toBe(true);
    await fs.rm(src, { recursive: true, force: true });
  });
});
