import fsp from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../platform/atomic-write.ts';
import { processAlive } from '../engine/models/download.ts';

/**
 * Kiwi servers running on a models folder leave a note there (`.kiwi-servers/<pid>.json`: where
 * their API answers), so that `kiwi models delete` in another process goes through the server's
 * own in-use check instead of pulling a model out from under its engine.
 */
export interface RunningServer {
  pid: number;
  /** The API's base URL, reachable from this computer. */
  url: string;
  /** The note's file (named in errors: remove it by hand if it outlived its server). */
  file: string;
}

const folder = (modelsDir: string) => path.join(modelsDir, '.kiwi-servers');

/** Leave the note for this process; the function returned takes it away (on stop). */
export async function announceServer(modelsDir: string, url: string): Promise<() => Promise<void>> {
  await fsp.mkdir(folder(modelsDir), { recursive: true });
  const file = path.join(folder(modelsDir), `${process.pid}.json`);
  await writeFileAtomic(file, JSON.stringify({ pid: process.pid, url: reachable(url) }));
  return () => fsp.rm(file, { force: true });
}

/** The servers with a note in `modelsDir` whose process is alive (notes of gone processes are removed). */
export async function runningServers(modelsDir: string): Promise<RunningServer[]> {
  const names = await fsp.readdir(folder(modelsDir)).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  const servers: RunningServer[] = [];
  for (const name of names.filter((n) => /^\d+\.json$/.test(n))) {
    const file = path.join(folder(modelsDir), name);
    const note = await fsp.readFile(file, 'utf8').then(
      (text) => JSON.parse(text) as Partial<RunningServer>,
      () => null, // removed meanwhile: that server just stopped
    );
    // A note that does not parse was cut short by a crash mid-write; its pid (the name) still says whether it matters.
    const pid = Number(name.slice(0, -'.json'.length));
    if (!processAlive(pid)) {
      await fsp.rm(file, { force: true });
      continue;
    }
    servers.push({ pid, url: typeof note?.url === 'string' ? note.url : '', file });
  }
  return servers;
}

/** A server listening on every address (0.0.0.0, ::) is reached on loopback. */
function reachable(url: string): string {
  const u = new URL(url);
  if (u.hostname === '0.0.0.0') u.hostname = '127.0.0.1';
  if (u.hostname === '[::]') u.hostname = '[::1]';
  return u.origin;
}
