import fsp from 'node:fs/promises';
import path from 'node:path';
import { describeError, KiwiError } from '../../platform/errors.ts';
import { modelsDir } from '../../platform/paths.ts';
import { findModel, loadCatalog } from './catalog.ts';
import type { Catalog, CatalogFile } from './catalog-schema.ts';
import type { ModelDownloadEvent } from './events.ts';
import { fetchToFile } from './http-download.ts';
import { installFromFiles, type LocalFile } from './install.ts';
import { ProgressMeter } from './progress.ts';
import { sha256File } from './sha256.ts';
import { modelPath, verifyModel } from './verify.ts';

export interface DownloadOptions {
  modelsDir?: string;
  signal?: AbortSignal;
  onEvent?: (e: ModelDownloadEvent) => void;
  /** Install files the catalog has no published sha256 for (the user said so explicitly). */
  trustUnverified?: boolean;
  /** Another catalog than the shipped one (tests, local mirrors). */
  catalog?: Catalog;
  /** Minimum milliseconds between two PROGRESS events. */
  progressIntervalMs?: number;
}

/** Where downloads (and `*.part` files) live, and where a user can drop files for offline installs. */
export const downloadsDir = (root: string) => path.join(root, 'downloads');

export const fileName = (file: CatalogFile) => path.basename(new URL(file.url).pathname);

export interface DownloadResult {
  /** The installed model folder. */
  path: string;
  /** It was installed already and its files verified: nothing was fetched or changed. */
  alreadyInstalled: boolean;
}

/** Download, verify and install one catalog model. Resolves to the installed folder. */
export async function downloadModel(id: string, opts: DownloadOptions = {}): Promise<string> {
  return (await obtainModel(id, opts)).path;
}

/**
 * downloadModel, telling whether anything had to be fetched. An installed model whose files verify
 * is left as it is, without the network. Otherwise only what is missing is fetched: files already
 * in `<models>/downloads` with the right sha256, and intact plain files of the installed copy, are
 * used as they are.
 */
export async function obtainModel(id: string, opts: DownloadOptions = {}): Promise<DownloadResult> {
  const emit = (event: ModelDownloadEvent['event'], data: Omit<ModelDownloadEvent['data'], 'id'> = {}) =>
    opts.onEvent?.({ event, data: { id, ...data } });
  try {
    const catalog = opts.catalog ?? (await loadCatalog());
    const model = findModel(catalog, id);
    const root = opts.modelsDir ?? modelsDir();
    const unverifiable = model.files.filter((f) => f.sha256 === null);
    if (unverifiable.length > 0 && !opts.trustUnverified) {
      throw new KiwiError(
        'model_unverifiable',
        `${id}: no published sha256 for ${unverifiable.map(fileName).join(', ')}; ` +
          'Kiwi cannot check these files, so it will not install them unless you pass --trust-unverified',
        409,
      );
    }
    const sizes = model.files.map((f) => f.size);
    const total = sizes.every((s) => s !== null) ? sizes.reduce<number>((a, s) => a + (s ?? 0), 0) : null;
    const installedDir = modelPath(id, { modelsDir: root });
    if ((await verifyModel(id, { modelsDir: root, catalog })).ok) {
      // Nothing to download: listeners (dashboard, CLI) only hear that it is there.
      emit('MODEL_DOWNLOAD_COMPLETED', { path: installedDir, bytes: total ?? 0, total });
      return { path: installedDir, alreadyInstalled: true };
    }
    const downloads = downloadsDir(root);
    await fsp.mkdir(downloads, { recursive: true }).catch((err: NodeJS.ErrnoException) => {
      throw unwritable(downloads, err.code ?? err.message);
    });
    const fetchAndInstall = async (): Promise<DownloadResult> => {
      emit('MODEL_DOWNLOAD_STARTED', { bytes: 0, total });
      const meter = new ProgressMeter(total);
      const interval = opts.progressIntervalMs ?? 250;
      let done = 0;
      let lastEmit = 0;
      const locals: LocalFile[] = [];
      for (const file of model.files) {
        const name = fileName(file);
        const local = path.join(downloads, name);
        const found = (await checkLocal(local, file, opts.trustUnverified === true)) ?? (await reuseInstalled(installedDir, file, local));
        if (found !== 'ok') {
          const part = `${local}.part`;
          await fetchToFile({
            url: file.url,
            partFile: part,
            expectedSize: file.size,
            // A wrong file in downloads/ is replaced when the host answers; offline, say it is wrong
            // rather than ask for what the user already did (put a file there).
            offlineAdvice: found ? `${mismatch(local, file, found)}: replace it with the file from ${file.url}` : `put the files in ${downloads} or set KIWI_MODELS_DIR`,
            signal: opts.signal,
            onBytes: (bytes) => {
              const snap = meter.update(done + bytes);
              const now = Date.now();
              if (now - lastEmit >= interval) {
                lastEmit = now;
                emit('MODEL_DOWNLOAD_PROGRESS', { file: name, ...snap });
              }
            },
          });
          await checkDownload(part, file);
          await fsp.rename(part, local);
        }
        done += (await fsp.stat(local)).size;
        emit('MODEL_DOWNLOAD_PROGRESS', { file: name, ...meter.update(done) });
        locals.push({ file, local });
      }
      const installed = await installFromFiles(model, locals, root);
      await Promise.all(locals.map(({ local }) => fsp.rm(local, { force: true })));
      emit('MODEL_DOWNLOAD_COMPLETED', { path: installed, bytes: done, total });
      return { path: installed, alreadyInstalled: false };
    };
    const release = await lockDownload(downloads, id);
    try {
      return await fetchAndInstall();
    } finally {
      await release();
    }
  } catch (err) {
    emit('MODEL_DOWNLOAD_FAILED', { error: describeError(err) });
    throw err;
  }
}

/** The download locks this process holds. */
const heldLocks = new Set<string>();

/**
 * One download of a model at a time per models folder, across processes too (the CLI while the
 * server downloads the same model): both would write the same `.part` file and spoil it.
 * `<downloads>/<id>.lock` holds the owner's pid; a lock whose process is gone is taken over.
 */
async function lockDownload(downloads: string, id: string): Promise<() => Promise<void>> {
  const lock = path.join(downloads, `${id}.lock`);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      await fsp.writeFile(lock, String(process.pid), { flag: 'wx' });
      heldLocks.add(lock);
      return async () => {
        heldLocks.delete(lock);
        await fsp.rm(lock, { force: true });
      };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw unwritable(downloads, code ?? (err as Error).message);
    }
    const owner = await fsp.readFile(lock, 'utf8').then(
      (text) => Number(text.trim()),
      (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return 0; // the other download just finished: take the lock now
        throw err;
      },
    );
    // Our own pid on a lock this process does not hold: left by an earlier run that had the same
    // pid (a container's Kiwi often does), killed mid-download.
    const ours = owner === process.pid;
    if (Number.isInteger(owner) && owner > 0 && (ours ? heldLocks.has(lock) : processAlive(owner))) {
      throw new KiwiError(
        'download_running',
        `${id} is already being downloaded${ours ? '' : ` by another Kiwi process (pid ${owner})`}; ` +
          `wait for it to finish or stop it, then try again (lock: ${lock})`,
        409,
      );
    }
    await fsp.rm(lock, { force: true }); // left by a process that is gone (killed mid-download)
  }
  throw new KiwiError('download_running', `${id}: another process keeps taking ${lock}; try again`, 409);
}

function unwritable(downloads: string, cause: string): KiwiError {
  return new KiwiError(
    'models_dir_unwritable',
    `Kiwi cannot keep downloads in ${downloads} (${cause}); make that folder writable (or remove what is in its place), or set KIWI_MODELS_DIR to another folder`,
    503,
  );
}

/** Whether process `pid` runs (a lock's or a server note's owner). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, someone else's
  }
}

/** What is in the downloads folder under a file's name: nothing (null), the catalog's file, or another one. */
type LocalCopy = null | 'ok' | { sha256: string; size: number };

/** A complete, correct copy is already in the downloads folder (a finished run, or put there by hand)? */
async function checkLocal(local: string, file: CatalogFile, trustUnverified: boolean): Promise<LocalCopy> {
  const stat = await fsp.stat(local).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (!stat) return null;
  const sizeOk = file.size === null || stat.size === file.size;
  if (!file.sha256 && trustUnverified && sizeOk) return 'ok';
  const actual = await sha256File(local);
  return file.sha256 && actual === file.sha256 ? 'ok' : { sha256: actual, size: stat.size };
}

/**
 * A plain (not archived) file of an installed model that still matches the catalog's sha256 is the
 * download itself: copy it back into downloads/ instead of fetching it again (the install replaces
 * the model folder it is in).
 */
async function reuseInstalled(installedDir: string, file: CatalogFile, local: string): Promise<LocalCopy> {
  if (file.archive || !file.sha256) return null;
  const installed = path.join(installedDir, file.dest ?? fileName(file));
  const stat = await fsp.stat(installed).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return null;
    throw err;
  });
  if (!stat || (file.size !== null && stat.size !== file.size) || (await sha256File(installed)) !== file.sha256) return null;
  await fsp.copyFile(installed, local);
  return 'ok';
}

/** A file in downloads/ that is not the catalog's (a wrong or truncated file put there by hand). */
function mismatch(local: string, file: CatalogFile, found: { sha256: string; size: number }): string {
  return (
    `${local} is not the catalog's file (sha256 ${found.sha256}, ${found.size} bytes; ` +
    `expected ${file.sha256 ?? 'unknown'}, ${file.size ?? '?'} bytes)`
  );
}

/** The sha256 check that stands between a download and its use. */
async function checkDownload(part: string, file: CatalogFile): Promise<void> {
  const { size } = await fsp.stat(part);
  const actual = await sha256File(part);
  const sizeBad = file.size !== null && size !== file.size;
  if (sizeBad || (file.sha256 !== null && actual !== file.sha256)) {
    await fsp.rm(part, { force: true });
    throw new KiwiError(
      'model_checksum_mismatch',
      `${fileName(file)} from ${file.url} is not the catalog's file (sha256 ${actual}, ${size} bytes; ` +
        `expected ${file.sha256 ?? 'unknown'}, ${file.size ?? '?'} bytes). It was deleted; try again.`,
      502,
    );
  }
}

/** What removing a model freed. */
export interface RemoveResult {
  path: string;
  /** Bytes of the installed folder and of this model's partial downloads that were deleted. */
  freed_bytes: number;
}

/**
 * Delete an installed model: its folder (files, manifest, anything Kiwi made beside them) and the
 * partial downloads of its files, under the same lock a download takes, so a download of it in
 * this or another Kiwi process is never cut from under it (409 download_running). A model that
 * is not installed and has nothing downloaded is 409 not_installed; an unknown id is 404.
 */
export async function removeModel(id: string, opts: { modelsDir?: string; catalog?: Catalog } = {}): Promise<RemoveResult> {
  const catalog = opts.catalog ?? (await loadCatalog());
  const model = findModel(catalog, id);
  const root = opts.modelsDir ?? modelsDir();
  const dir = modelPath(id, { modelsDir: root });
  const downloads = downloadsDir(root);
  // Partial files are named after their URL's file: only those no other catalog model shares are this model's.
  const shared = new Set(catalog.models.filter((m) => m.id !== id).flatMap((m) => m.files.map(fileName)));
  const partials = model.files.map(fileName).filter((name) => !shared.has(name)).flatMap((name) => [path.join(downloads, name), path.join(downloads, `${name}.part`)]);
  await fsp.mkdir(downloads, { recursive: true }).catch((err: NodeJS.ErrnoException) => {
    throw unwritable(downloads, err.code ?? err.message);
  });
  const release = await lockDownload(downloads, id);
  try {
    const sizes = await Promise.all([dirSize(dir), ...partials.map(dirSize)]);
    if (sizes.every((s) => s === null)) {
      throw new KiwiError('not_installed', `${id} is not installed (nothing in ${dir})`, 409);
    }
    await fsp.rm(dir, { recursive: true, force: true });
    await Promise.all(partials.map((file) => fsp.rm(file, { force: true })));
    return { path: dir, freed_bytes: sizes.reduce<number>((a, s) => a + (s ?? 0), 0) };
  } finally {
    await release();
  }
}

/** Bytes under `file` (a file or a folder, symlinks not followed); null when it does not exist. */
async function dirSize(file: string): Promise<number | null> {
  let stat;
  try {
    stat = await fsp.lstat(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  if (!stat.isDirectory()) return stat.size;
  let total = 0;
  for (const entry of await fsp.readdir(file)) total += (await dirSize(path.join(file, entry))) ?? 0;
  return total;
}
