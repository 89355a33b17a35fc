import fs from 'node:fs';
import path from 'node:path';
import { KiwiError } from './errors.ts';

/**
 * Kiwi's data (voice prints, remembered facts, the audit log, tokens in the config) is the user's
 * alone: the data folder is 0700, the database and config 0600, when created and fixed at every
 * start (files from older versions, a restored backup). Only group/other bits are removed, so a
 * file the user made read-only stays read-only. POSIX only: Windows has no mode bits.
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;
const POSIX = process.platform !== 'win32';

/** Create (or check) the data folder: private and writable, else a clear error naming it. */
export function preparePrivateDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    restrict(dir);
    const probe = path.join(dir, `.kiwi-write-check-${process.pid}`);
    fs.writeFileSync(probe, '', { mode: PRIVATE_FILE_MODE });
    fs.rmSync(probe);
  } catch (err) {
    throw notWritable(dir, err);
  }
}

/** Create an empty private file if it is missing (SQLite accepts an empty database), and fix its mode. */
export function preparePrivateFile(file: string, { create }: { create: boolean }): void {
  try {
    if (create) fs.closeSync(fs.openSync(file, 'a', PRIVATE_FILE_MODE));
    else if (!fs.existsSync(file)) return;
    restrict(file);
  } catch (err) {
    throw notWritable(file, err);
  }
}

function restrict(target: string): void {
  if (!POSIX) return;
  const { mode } = fs.statSync(target);
  if ((mode & 0o077) !== 0) fs.chmodSync(target, mode & 0o700);
}

function notWritable(target: string, err: unknown): KiwiError {
  const code = (err as NodeJS.ErrnoException).code ?? 'error';
  return new KiwiError(
    'data_not_writable',
    `Kiwi cannot use ${target} (${code}: ${(err as Error).message}). It needs a private, writable data folder: fix its permissions or set KIWI_DATA_DIR`,
    500,
  );
}
