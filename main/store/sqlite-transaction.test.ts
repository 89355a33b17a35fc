import Database from 'libsql';
import { describe, expect, it } from 'vitest';
import type { ConversationTurn } from '../contract/api.ts';
import { TURNS_MIGRATION, sqliteTurns } from '../history/sqlite-turns.ts';
import { errorMiddleware } from '../server/errors-middleware.ts';
import { createLogger } from '../platform/logger.ts';
import { storageError, transaction } from './sqlite-transaction.ts';

/** A database whose "disk" holds only the pages it has now: the next growth fails with SQLITE_FULL. */
function fullDisk(setup: string): Database.Database {
  const db = new Database(':memory:');
  db.exec(setup);
  const pages = (db.prepare('PRAGMA page_count').get() as { page_count: number }).page_count;
  db.exec(`PRAGMA max_page_count = ${pages}`);
  return db;
}

const turn = (i: number) => ({ turn_id: `turn_${i}`, at: '2026-01-01T00:00:00Z', text: 'x'.repeat(2000) }) as unknown as ConversationTurn;

describe('writes on a full disk', () => {
  it('fail with SQLITE_FULL, not libsql\'s "cannot rollback", and leave the database usable', () => {
    const db = fullDisk('CREATE TABLE t (x TEXT)');
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    const many = transaction(db, (n: number) => {
      for (let i = 0; i < n; i++) insert.run('x'.repeat(1000));
      return n;
    });
    expect(() => many(100)).toThrow(expect.objectContaining({ code: 'SQLITE_FULL' }));
    expect(db.inTransaction).toBe(false);
    expect((db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n).toBe(0); // nothing half-written
    expect(many(0)).toBe(0); // the next transaction runs
  });

  it('rolls back a transaction that failed for another reason', () => {
    const db = new Database(':memory:');
    db.exec("CREATE TABLE t (x TEXT CHECK (x <> 'bad'))");
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    const pair = transaction(db, (a: string, b: string) => {
      insert.run(a);
      insert.run(b);
    });
    expect(() => pair('kept?', 'bad')).toThrow(expect.objectContaining({ code: expect.stringMatching(/^SQLITE_CONSTRAINT/) }));
    expect(db.inTransaction).toBe(false);
    expect((db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n).toBe(0);
  });

  it('the turn history reports the full disk as such', () => {
    const turns = sqliteTurns(fullDisk(`CREATE TABLE speakers (id TEXT PRIMARY KEY); ${TURNS_MIGRATION}`));
    let failure: unknown;
    try {
      for (let i = 0; i < 100; i++) turns.add(turn(i), null, 1000);
    } catch (err) {
      failure = err;
    }
    expect(failure).toMatchObject({ code: 'SQLITE_FULL' });
    expect(storageError(failure)).toMatchObject({ code: 'storage_full', status: 507 });
  });

  it('an API request that hits it is answered 507 storage_full, not internal_error', async () => {
    const db = fullDisk('CREATE TABLE t (x TEXT)');
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    const write = transaction(db, () => {
      for (let i = 0; i < 100; i++) insert.run('x'.repeat(1000));
    });
    const ctx = { method: 'POST', path: '/api/timers', status: 200, body: undefined as unknown };
    const middleware = errorMiddleware(createLogger({ KIWI_LOG_LEVEL: 'silent' }));
    await middleware(ctx as never, async () => write());
    expect(ctx.status).toBe(507);
    expect(ctx.body).toEqual({ error: { code: 'storage_full', message: expect.stringContaining('full') } });
  });

  it('maps a full disk (config files too), a read-only data folder and I/O errors, and nothing else', () => {
    expect(storageError(Object.assign(new Error('attempt to write a readonly database'), { code: 'SQLITE_READONLY' }))).toMatchObject({ code: 'storage_read_only', status: 503 });
    expect(storageError(Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_WRITE' }))).toMatchObject({ code: 'storage_error', status: 503 });
    expect(storageError(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }))).toMatchObject({ code: 'storage_full', status: 507 });
    expect(storageError(Object.assign(new Error('EROFS: read-only file system'), { code: 'EROFS' }))).toMatchObject({ code: 'storage_read_only', status: 503 });
    expect(storageError(Object.assign(new Error('no such table'), { code: 'SQLITE_ERROR' }))).toBeNull();
    expect(storageError(new TypeError('x is undefined'))).toBeNull();
  });
});
