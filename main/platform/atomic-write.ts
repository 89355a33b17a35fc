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
