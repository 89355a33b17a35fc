import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'libsql';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../testing/kiwi-test-server.ts';
import { exitCodeFor } from '../cli/command.ts';
import { openSqliteStore } from './sqlite-store.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
async function dbFile(): Promise<string> {
  const dir = await makeTempDir('kiwi-open-');
  dirs.push(dir);
  return path.join(dir, 'kiwi.db');
}

describe('opening a database Kiwi cannot use', () => {
  it('a damaged file: a clear error that says what to do (exit 1, not a bug), and the file untouched', async () => {
    const file = await dbFile();
    const garbage = crypto.randomBytes(20_000);
    fs.writeFileSync(file, garbage);
    let failure: unknown;
    try {
      openSqliteStore(file);
    } catch (err) {
      failure = err;
    }
    expect(failure).toMatchObject({ code: 'database_damaged', message: expect.stringContaining(file) });
    expect((failure as Error).message).toMatch(/left untouched.*backup.*move it aside/);
    expect(exitCodeFor(failure)).toBe(1);
    expect(fs.readFileSync(file).equals(garbage)).toBe(true);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['kiwi.db']); // no -wal / -shm / temp files beside it
  });

  it('a database another program holds locked: says so, and opens once the lock is gone', async () => {
    const file = await dbFile();
    const other = new Database(file); // a backup tool, a sqlite3 shell, another Kiwi: writing, with the file locked
    other.exec('BEGIN EXCLUSIVE');
    other.exec('CREATE TABLE other_program (x)');
    let failure: unknown;
    try {
      openSqliteStore(file, { busyTimeoutMs: 50 }); // waits that long for the lock (the default is seconds), then says so
    } catch (err) {
      failure = err;
    }
    expect(failure).toMatchObject({ code: 'database_locked', message: expect.stringContaining('another Kiwi') });
    expect(exitCodeFor(failure)).toBe(1);
    other.exec('ROLLBACK');
    other.close();
    const store = openSqliteStore(file);
    expect(store.speakers.list()).toEqual([]);
    store.close();
  });
});
