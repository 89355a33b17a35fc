import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startTestKiwi, type TestKiwi } from '../testing/kiwi-test-server.ts';
import { runningServers } from './server-registry.ts';

/**
 * Every running Kiwi server has its own note in the models folder, however many run in one
 * process (tests do; an embedding app may): stopping one takes away its note only, and the CLI
 * sees them all. Notes their writer outlived are cleared.
 */
let dir: string;
let env: Record<string, string>;
const servers: TestKiwi[] = [];
const notes = () => path.join(env.KIWI_MODELS_DIR!, '.kiwi-servers');

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiwi-registry-'));
  // No model installed: the servers start without the audio stages, which is all these tests need.
  env = { KIWI_MODELS_DIR: path.join(dir, 'models'), KIWI_WAKE_WORD_ENGINE: 'text' };
});
afterEach(async () => {
  for (const kiwi of servers.splice(0)) await kiwi.cleanup();
  await fs.rm(dir, { recursive: true, force: true });
});

it('two servers in one process leave a note each; stopping one takes away its own', async () => {
  const a = await startTestKiwi({ env });
  const b = await startTestKiwi({ env });
  servers.push(a, b);
  const seen = await runningServers(env.KIWI_MODELS_DIR!);
  expect(seen.map((s) => s.url).sort()).toEqual([a.url, b.url].sort());
  expect(new Set(seen.map((s) => s.file)).size).toBe(2);
  expect(seen.every((s) => s.pid === process.pid)).toBe(true);

  await a.cleanup();
  expect((await runningServers(env.KIWI_MODELS_DIR!)).map((s) => s.url)).toEqual([b.url]);
  await b.cleanup();
  expect(await fs.readdir(notes())).toEqual([]);
});

it('notes and deletion marks left by processes that are gone are cleared, and do not hold a starting server back', async () => {
  await fs.mkdir(notes(), { recursive: true });
  const gone = 999_999_999;
  // This process's pid on a note it did not write: left by an earlier process that had the same pid.
  const stale = [`${gone}.json`, `${gone}-0a1b2c.json`, `${process.pid}-3d4e5f.json`, `${gone}-6a7b8c.deleting`, `${process.pid}-9d0e1f.deleting`];
  for (const name of stale) await fs.writeFile(path.join(notes(), name), JSON.stringify({ pid: gone, url: 'http://127.0.0.1:9' }));
  const kiwi = await startTestKiwi({ env });
  servers.push(kiwi);
  expect((await runningServers(env.KIWI_MODELS_DIR!)).map((s) => s.url)).toEqual([kiwi.url]);
  expect((await fs.readdir(notes())).filter((name) => stale.includes(name))).toEqual([]);
});
