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

/**
 * Download, verify and install one catalog model. Resolves to the installed folder.
 * Files already in `<models>/downloads` with the right sha256 are used without the network.
 */
export async function downloadModel(id: string, opts: DownloadOptions = {}): Promise<string> {
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
    const downloads = downloadsDir(root);
    await fsp.mkdir(downloads, { recursive: true });
    const sizes = model.files.map((f) => f.size);
    const total = sizes.every((s) => s !== null) ? sizes.reduce<number>((a, s) => a + (s ?? 0), 0) : null;
    emit('MODEL_DOWNLOAD_STARTED', { bytes: 0, total });

    const meter = new ProgressMeter(total);
    const interval = opts.progressIntervalMs ?? 250;
    let done = 0;
    let lastEmit = 0;
    const locals: LocalFile[] = [];
    for (const file of model.files) {
      const name = fileName(file);
      const local = path.join(downloads, name);
      if (!(await alreadyThere(local, file, opts.trustUnverified === true))) {
        const part = `${local}.part`;
        await fetchToFile({
          url: file.url,
          partFile: part,
          expectedSize: file.size,
          offlineDir: downloads,
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
    return installed;
  } catch (err) {
    emit('MODEL_DOWNLOAD_FAILED', { error: describeError(err) });
    throw err;
  }
}

/** A complete, correct copy is already in the downloads folder (a finished run, or put there by hand). */
async function alreadyThere(local: string, file: CatalogFile, trustUnverified: boolean): Promise<boolean> {
  const stat = await fsp.stat(local).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (!stat) return false;
  if (file.sha256) return (await sha256File(local)) === file.sha256;
  return trustUnverified && (file.size === null || stat.size === file.size);
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
