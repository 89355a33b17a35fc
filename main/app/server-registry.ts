import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { KiwiError } from '../platform/errors.ts';
import { writeFileAtomic } from '../platform/atomic-write.ts';
import { processAlive } from '../engine/models/download.ts';

/**
 * Kiwi servers running on a models folder leave a note there (`.kiwi-servers/<pid>-<id>.json`:
 * where their API answers), so that `kiwi models delete` in another process goes through the
 * server's own in-use check instead of pulling a model out from under its engine. A server notes
 * itself before it opens any model, and a deletion made without a server notes itself too
 * (`<pid>-<id>.deleting`) before it looks for servers: whichever of the two writes second sees the
 * other, so a server starting during a deletion waits for it, and a deletion never runs behind a
 * server that has begun opening models.
 */
export interface RunningServer {
  pid: number;
  /** The API's base URL, reachable from this computer; '' while the server starts (opens its models). */
  url: string;
  /** The note's file (named in errors: remove it by hand if it outlived its server). */
  file: string;
}

/** A server's note, written before it opens any model. */
export interface ServerNote {
  /** Say where the API answers, once it listens. */
  listening(url: string): Promise<void>;
  /** Take the note away (on stop, or when the start failed). */
  forget(): Promise<void>;
}

const folder = (modelsDir: string) => path.join(modelsDir, '.kiwi-servers');
/** `<pid>-<random id>.json` (one a server, however many run in one process); `<pid>.json` from Kiwi before that. */
const NOTE = /^(\d+)(?:-[0-9a-f]+)?\.json$/;
const DELETING = /^(\d+)-[0-9a-f]+\.deleting$/;

/**
 * Notes and deletion marks this process has written and not taken away. One with this process's
 * pid that is not here was left by an earlier process that had the same pid (a container's Kiwi
 * often does), killed before it could remove it.
 */
const ours = new Set<string>();

/** A new file name in the folder for this process: the pid says whether it outlived its writer. */
async function ownFile(modelsDir: string, ending: string): Promise<string> {
  await fsp.mkdir(folder(modelsDir), { recursive: true });
  const file = path.join(folder(modelsDir), `${process.pid}-${crypto.randomBytes(6).toString('hex')}${ending}`);
  ours.add(file);
  return file;
}

async function removeOwn(file: string): Promise<void> {
  ours.delete(file);
  await fsp.rm(file, { force: true });
}

/**
 * Note a starting server (no address yet), then wait until the deletions that began before it
 * (they did not see this note) are done: only then may the server open models.
 * `onWait` is told once which processes it waits for.
 */
export async function announceServer(modelsDir: string, onWait?: (pids: number[]) => void): Promise<ServerNote> {
  const file = await ownFile(modelsDir, '.json');
  const write = (url: string) => writeFileAtomic(file, JSON.stringify({ pid: process.pid, url }));
  try {
    await write('');
    await deletionsDone(modelsDir, onWait);
  } catch (err) {
    await removeOwn(file);
    throw err;
  }
  return { listening: (url) => write(reachable(url)), forget: () => removeOwn(file) };
}

/** The entries of the notes folder whose name matches `pattern` and whose writer lives (those of gone writers are removed). */
async function liveEntries(modelsDir: string, pattern: RegExp): Promise<Array<{ pid: number; file: string }>> {
  const names = await fsp.readdir(folder(modelsDir)).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  const live: Array<{ pid: number; file: string }> = [];
  for (const name of names) {
    const match = pattern.exec(name);
    if (!match) continue;
    const pid = Number(match[1]);
    const file = path.join(folder(modelsDir), name);
    if (pid === process.pid ? ours.has(file) : processAlive(pid)) live.push({ pid, file });
    else await fsp.rm(file, { force: true });
  }
  return live;
}

/** How often a starting server looks again whether a deletion it waits for is done (a deletion takes moments). */
const DELETION_POLL_MS = 50;

async function deletionsDone(modelsDir: string, onWait?: (pids: number[]) => void): Promise<void> {
  for (let told = false; ; told = true) {
    const deleting = await liveEntries(modelsDir, DELETING);
    if (deleting.length === 0) return;
    if (!told) onWait?.(deleting.map((d) => d.pid));
    await new Promise((resolve) => setTimeout(resolve, DELETION_POLL_MS));
  }
}

/** The servers with a note in `modelsDir` whose process is alive (notes of gone processes are removed). */
export async function runningServers(modelsDir: string): Promise<RunningServer[]> {
  const servers: RunningServer[] = [];
  for (const { pid, file } of await liveEntries(modelsDir, NOTE)) {
    const note = await fsp.readFile(file, 'utf8').then(
      (text) => JSON.parse(text) as Partial<RunningServer>,
      () => null, // removed meanwhile (that server just stopped), or cut short by a crash mid-write: the pid (the name) still says whether it matters
    );
    servers.push({ pid, url: typeof note?.url === 'string' ? note.url : '', file });
  }
  return servers;
}

/** Servers on the models folder, seen by a deletion that had noted itself first: it must not run behind their back. */
export class ServersNoted extends KiwiError {
  constructor(readonly servers: RunningServer[]) {
    super('servers_running', `a Kiwi server started on this models folder meanwhile (pid ${servers.map((s) => s.pid).join(', ')})`, 409);
  }
}

/**
 * Run `deletion` where no server is: it is noted first, so a server starting meanwhile waits for
 * it before opening a model; a server noted already is a ServersNoted refusal, and nothing is deleted.
 */
export async function deleteWithoutServer<T>(modelsDir: string, deletion: () => Promise<T>): Promise<T> {
  const file = await ownFile(modelsDir, '.deleting');
  try {
    await writeFileAtomic(file, String(process.pid));
    const servers = await runningServers(modelsDir);
    if (servers.length > 0) throw new ServersNoted(servers);
    return await deletion();
  } finally {
    await removeOwn(file);
  }
}

/** A server listening on every address (0.0.0.0, ::) is reached on loopback. */
function reachable(url: string): string {
  const u = new URL(url);
  if (u.hostname === '0.0.0.0') u.hostname = '127.0.0.1';
  if (u.hostname === '[::]') u.hostname = '[::1]';
  return u.origin;
}
