import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, expect, it } from 'vitest';
import { EventBus } from '../engine/events/event-bus.ts';
import type { Catalog } from '../engine/models/catalog-schema.ts';
import { testCatalog } from '../engine/models/testing/test-catalog.ts';
import { ModelDownloads } from './model-downloads.ts';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

/** A loopback port nobody listens on: a download from it fails the way an offline machine does. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

it('offline, a failed model download is one clear warning line (what, why, what to do); the stack only at debug', async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiwi-downloads-'));
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  const catalog = testCatalog('offline-model', [{ url: `http://127.0.0.1:${await closedPort()}/model.onnx`, sha256: 'a'.repeat(64), size: 10 }]);
  const downloads = new ModelDownloads({ modelsDir: () => dir!, catalog: async () => catalog, bus: new EventBus(), logger });
  const { installed } = await downloads.start('offline-model', { trustUnverified: false });
  expect(await installed).toBe(false);
  const warnings = lines.filter((l) => l.level === 40);
  expect(warnings).toHaveLength(1);
  expect(warnings[0]!.msg).toMatch(/^model download failed: offline-model: could not reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\); put the files in .+downloads/);
  expect(warnings[0]).toMatchObject({ id: 'offline-model', code: 'models_offline' });
  expect(JSON.stringify(warnings)).not.toContain('    at '); // no stack trace in what the user reads
  const detail = lines.filter((l) => l.level === 20 && l.id === 'offline-model');
  expect(JSON.stringify(detail)).toContain('    at '); // …but it is there for whoever turns on debug
});

/**
 * Starts a download of `catalog`'s one model and records, at each MODEL_DOWNLOAD_* event, whether
 * it still counted as running then.
 */
async function watchedDownload(catalog: Catalog) {
  const bus = new EventBus();
  const downloads = new ModelDownloads({ modelsDir: () => dir!, catalog: async () => catalog, bus, logger: pino({ level: 'silent' }) });
  const id = catalog.models[0]!.id;
  const seen: Array<[string, boolean]> = [];
  bus.subscribe((e) => {
    if (e.event.startsWith('MODEL_DOWNLOAD_')) seen.push([e.event, downloads.isRunning(id)]);
  });
  const { installed } = await downloads.start(id, { trustUnverified: false });
  return { installed: await installed, seen };
}

it('a completed download is no longer running when MODEL_DOWNLOAD_COMPLETED is told (a client that lists the models on it sees it installed, not downloading)', async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiwi-downloads-'));
  const bytes = Buffer.from('a model file, dropped in the downloads folder for an offline install');
  await fs.mkdir(path.join(dir, 'downloads'));
  await fs.writeFile(path.join(dir, 'downloads', 'model.onnx'), bytes);
  const { installed, seen } = await watchedDownload(
    testCatalog('dropped-model', [{ url: `http://127.0.0.1:${await closedPort()}/model.onnx`, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length }]),
  );
  expect(installed).toBe(true);
  expect(seen.at(-1)).toEqual(['MODEL_DOWNLOAD_COMPLETED', false]);
  expect(seen[0]).toEqual(['MODEL_DOWNLOAD_STARTED', true]);
});

it('a failed download is no longer running when MODEL_DOWNLOAD_FAILED is told', async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiwi-downloads-'));
  const { installed, seen } = await watchedDownload(testCatalog('offline-model', [{ url: `http://127.0.0.1:${await closedPort()}/model.onnx`, sha256: 'a'.repeat(64), size: 10 }]));
  expect(installed).toBe(false);
  expect(seen.at(-1)).toEqual(['MODEL_DOWNLOAD_FAILED', false]);
});
