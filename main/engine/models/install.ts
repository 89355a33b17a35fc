import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { KiwiError } from '../../platform/errors.ts';
import type { CatalogFile, CatalogModel } from './catalog-schema.ts';
import { extractArchive } from './extract.ts';
import { writeManifest } from './manifest.ts';
import { preparePiperVoice } from './piper.ts';

export interface LocalFile {
  file: CatalogFile;
  /** The verified download on disk. */
  local: string;
}

/**
 * Build the model folder from verified downloads inside a staging folder next to its final
 * place (same file system), then swap it in with a rename: a crash leaves either the old model
 * or the new one, never half of one.
 */
export async function installFromFiles(model: CatalogModel, files: LocalFile[], root: string): Promise<string> {
  const staging = path.join(root, `.staging-${model.id}-${crypto.randomBytes(4).toString('hex')}`);
  await fsp.mkdir(staging, { recursive: true });
  try {
    for (const [index, { file, local }] of files.entries()) {
      if (file.archive) {
        const unpack = path.join(root, `.unpack-${model.id}-${index}-${crypto.randomBytes(4).toString('hex')}`);
        try {
          const content = await extractArchive(local, file.archive, unpack);
          const source = file.extract ? path.join(content, file.extract) : content;
          await moveChildren(source, path.join(staging, file.dest ?? '.'), file.url);
        } finally {
          await fsp.rm(unpack, { recursive: true, force: true });
        }
      } else {
        const dest = path.join(staging, file.dest ?? path.basename(new URL(file.url).pathname));
        await fsp.mkdir(path.dirname(dest), { recursive: true });
        await fsp.copyFile(local, dest);
      }
    }
    if (model.post_install === 'piper-to-sherpa') await preparePiperVoice(staging);
    await writeManifest(staging, {
      id: model.id,
      source: 'catalog',
      catalog_files: model.files.map((f) => ({ url: f.url, sha256: f.sha256 })),
    });
    return await promote(staging, path.join(root, model.id));
  } catch (err) {
    await fsp.rm(staging, { recursive: true, force: true });
    throw err;
  }
}

async function moveChildren(source: string, dest: string, url: string): Promise<void> {
  const entries = await fsp.readdir(source).catch((err: NodeJS.ErrnoException) => {
    throw new KiwiError('model_extract_failed', `the archive from ${url} has no folder '${path.basename(source)}' (${err.code})`, 500);
  });
  await fsp.mkdir(dest, { recursive: true });
  for (const name of entries) await fsp.rename(path.join(source, name), path.join(dest, name));
}

/** Swap a prepared folder into `final` (replacing an older install). Returns `final`. */
export async function promote(staging: string, final: string): Promise<string> {
  const old = `${path.dirname(final)}/.old-${path.basename(final)}-${crypto.randomBytes(4).toString('hex')}`;
  const hadOld = await fsp
    .rename(final, old)
    .then(() => true)
    .catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return false;
      throw err;
    });
  try {
    await fsp.rename(staging, final);
  } catch (err) {
    if (hadOld) await fsp.rename(old, final); // put the previous install back
    throw err;
  }
  if (hadOld) await fsp.rm(old, { recursive: true, force: true });
  return final;
}
