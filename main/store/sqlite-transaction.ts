import type Database from 'libsql';
import { KiwiError } from '../platform/errors.ts';

/**
 * `db.transaction(fn)` as libsql has it, but keeping the error that failed it. When a write fails
 * with SQLITE_FULL or an I/O error, SQLite has already rolled the transaction back; libsql's own
 * wrapper then runs ROLLBACK anyway and throws "cannot rollback - no transaction is active",
 * so a full disk was logged and answered as a mystery. Here ROLLBACK runs only while a transaction
 * is open, and the original error is what the caller gets.
 */
export function transaction<A extends unknown[], R>(db: Database.Database, fn: (...args: A) => R): (...args: A) => R {
  return (...args: A): R => {
    db.exec('BEGIN');
    try {
      const result = fn(...args);
      db.exec('COMMIT');
      return result;
    } catch (err) {
      if (db.inTransaction) {
        try {
          db.exec('ROLLBACK');
        } catch (rollbackErr) {
          throw new AggregateError([err, rollbackErr], `${describe(err)}; and the rollback failed too: ${describe(rollbackErr)}`, { cause: rollbackErr });
        }
      }
      throw err;
    }
  };
}

const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * What a failed write to Kiwi's database or files (config.yaml, souls) means for the user, as an
 * API error: the disk is full, or the data folder became read-only. Null for any other error (a
 * bug: answered as internal_error).
 */
export function storageError(err: unknown): KiwiError | null {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') {
    return new KiwiError('storage_full', "The disk holding Kiwi's data folder is full: nothing was saved. Free some space and try again", 507);
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS') {
    return new KiwiError('storage_read_only', "Kiwi's data folder cannot be written to (read-only): nothing was saved. Make it writable and try again", 503);
  }
  if (code.startsWith('SQLITE_IOERR')) {
    return new KiwiError('storage_error', "Kiwi's database could not be written (an I/O error on its disk): nothing was saved; the details are in its log", 503);
  }
  return null;
}
