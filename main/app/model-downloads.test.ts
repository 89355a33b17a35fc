import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, expect, it } from 'vitest';
import { EventBus } from '../engine/events/event-bus.ts';
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
