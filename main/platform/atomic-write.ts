import fs from 'node:fs/promises';
import path from 'node:path';
import crypto from 'node:crypto';

const queues = new Map<string, Promise<unknown>>();

/**
 * Replace `file` with `data` so that a reader (or a crash, or kill -9) sees either the old file
 * or the new one, never a mix: temp file in the same folder, fsync, rename, fsync the folder.
 * Writes to one path are serialised.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o644): Promise<void> {
  const previous = queues.get(file) ?? Promise.resolve();
  // The previous write's failure belongs to its own caller; this write runs either way.
  const write = () => writeNow(file, data, mode);
  const next = previous.then(write, write);
  queues.set(file, next);
  const forget = () => {
    if (queues.get(file) === next) queues.delete(file);
  };
  next.then(forget, forget);
  return next;
}

async function writeNow(file: string, data: string | Uint8Array, mode: number): Promise<void> {
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${crypto.randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.open(tmp, 'w', mode);
  try {
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, file);
  } catch (err) {
    // A full disk mid-write, or a failed rename: no half-written temp file is left behind.
    await fs.rm(tmp, { force: true });
    throw err;
  }
  await syncDir(dir);
}

/** POSIX needs the directory entry flushed too for the rename to survive power loss; Windows cannot open folders. */
async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** How old a leftover temp file must be before it counts as abandoned: a write finishes in far less. */
export const STALE_TEMP_MS = 60_000;

/**
 * Remove the temp files writeFileAtomic left beside `file` when a process died mid-write
 * (kill -9, power loss): only names it makes (`.<name>.<12 hex>.tmp`), only regular files, and
 * only ones untouched for `olderThanMs`, so another process's write in progress is left alone.
 * Returns the names removed.
 */
export async function removeStaleTemps(file: string, now = Date.now(), olderThanMs = STALE_TEMP_MS): Promise<string[]> {
  const dir = path.dirname(file);
  const base = path.basename(file).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const ours = new RegExp(`^\\.${base}\\.[0-9a-f]{12}\\.tmp$`);
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const removed: string[] = [];
  for (const name of names.filter((n) => ours.test(n))) {
    const tmp = path.join(dir, name);
    let stat;
    try {
      stat = await fs.lstat(tmp);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // another process cleaned it meanwhile
      throw err;
    }
    if (!stat.isFile() || now - stat.mtimeMs < olderThanMs) continue;
    await fs.rm(tmp, { force: true });
    removed.push(name);
  }
  return removed;
}
