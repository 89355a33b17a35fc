import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../testing/kiwi-test-server.ts';
import { openSqliteStore } from './sqlite-store.ts';

/**
 * Another connection to the same file (as the `kiwi` CLI beside a running server), on its own
 * thread: it takes the write lock, says 'locked', blocks until told to go on, then writes a
 * batch (long enough that the store's write arrives while the lock is still held) and commits.
 */
const HOLDER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.libsql);
const db = new Database(workerData.file);
const go = new Int32Array(workerData.go);
db.exec('BEGIN IMMEDIATE');
parentPort.postMessage('locked');
Atomics.wait(go, 0, 0);
const insert = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)');
for (let i = 0; i < 20000; i++) insert.run('cli_' + i, 'x'.repeat(200));
db.exec('COMMIT');
db.close();
parentPort.postMessage('committed');
`;

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('two connections writing to one database file', () => {
  it("a write made while another connection holds the write lock waits for it, instead of failing with SQLITE_BUSY", async () => {
    const dir = await makeTempDir('kiwi-busy-');
    dirs.push(dir);
    const file = path.join(dir, 'kiwi.db');
    const store = openSqliteStore(file);
    try {
      const go = new SharedArrayBuffer(4);
      const libsql = createRequire(import.meta.url).resolve('libsql');
      const holder = new Worker(HOLDER, { eval: true, workerData: { file, go, libsql } });
      const messages: string[] = [];
      const exited = new Promise<number>((resolve, reject) => {
        holder.on('message', (m: string) => messages.push(m));
        holder.on('error', reject);
        holder.on('exit', resolve);
      });
      await new Promise<void>((resolve) => holder.once('message', () => resolve()));
      expect(messages).toEqual(['locked']);
      // Let the other connection go on with its write, and write at the same moment.
      const flag = new Int32Array(go);
      Atomics.store(flag, 0, 1);
      Atomics.notify(flag, 0);
      store.settings.set('server', 'waited');
      const speaker = store.speakers.create({ name: 'Also waited', priority: 2 }); // and writes go on as usual after
      expect(await exited).toBe(0);
      expect(messages).toEqual(['locked', 'committed']);
      expect(store.settings.get('server')).toBe('waited');
      expect(store.settings.get('cli_19999')).toBe('x'.repeat(200)); // the other writer's batch is all there
      expect(store.speakers.get(speaker.id)?.name).toBe('Also waited');
    } finally {
      store.close();
    }
  });
});
