import fsp from 'node:fs/promises';
import path from 'node:path';
import { modelsDir } from '../../platform/paths.ts';
import { notFound } from '../../platform/errors.ts';
import { loadCatalog } from './catalog.ts';
import type { Catalog } from './catalog-schema.ts';
import { readManifest } from './manifest.ts';
import { sha256File } from './sha256.ts';

export interface VerifyResult {
  ok: boolean;
  /** Missing or corrupted files, or an install that is not the catalog's. */
  problems: string[];
  /** Not failures, but worth telling: installed unverified, or a test fixture. */
  warnings: string[];
}

export interface VerifyOptions {
  modelsDir?: string;
  catalog?: Catalog;
}

export function modelPath(id: string, opts: { modelsDir?: string } = {}): string {
  return path.join(opts.modelsDir ?? modelsDir(), id);
}

/** Re-hash every installed file against the sha256 recorded (and checked) at install time. */
export async function verifyModel(id: string, opts: VerifyOptions = {}): Promise<VerifyResult> {
  const catalog = opts.catalog ?? (await loadCatalog());
  const model = catalog.models.find((m) => m.id === id);
  const dir = modelPath(id, opts);
  const problems: string[] = [];
  const warnings: string[] = [];
  const read = await readManifest(dir);
  if (!model && !('manifest' in read && read.manifest.source === 'fixture')) throw notFound('model', id);
  if ('problem' in read) return { ok: false, problems: [read.problem], warnings };
  const { manifest } = read;
  if (manifest.id !== id) problems.push(`${dir} holds model '${manifest.id}', not '${id}'`);

  for (const [rel, expected] of Object.entries(manifest.files)) {
    const file = path.join(dir, rel);
    const stat = await fsp.stat(file).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    });
    if (!stat) {
      problems.push(`missing: ${file}`);
      continue;
    }
    const actual = stat.size === expected.size ? await sha256File(file) : null;
    if (actual !== expected.sha256) {
      problems.push(`corrupted: ${file} (sha256 ${actual ?? `size ${stat.size}`}, expected ${expected.sha256})`);
    }
  }

  if (manifest.source === 'fixture' || !model) {
    const from = (manifest.fixture ?? []).map((f) => `${f.package}@${f.version}`).join(', ');
    warnings.push(`${id} is a test fixture built from ${from || 'unknown packages'}`);
  } else {
    const now = model.files.map((f) => `${f.url} ${f.sha256}`).join('\n');
    const then = manifest.catalog_files.map((f) => `${f.url} ${f.sha256}`).join('\n');
    if (now !== then) problems.push(`${id} was installed from other files than the catalog now names; run: kiwi models download ${id}`);
    if (manifest.catalog_files.some((f) => f.sha256 === null)) {
      warnings.push(`${id} was installed with --trust-unverified: its download had no published sha256`);
    }
  }
  return { ok: problems.length === 0, problems, warnings };
}
