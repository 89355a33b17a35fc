import fsp from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../platform/atomic-write.ts';
import { MODEL_ENGINES, MODEL_TASKS } from './catalog-schema.ts';
import { sha256File } from './sha256.ts';

/**
 * `.kiwi-model.json` in every installed model folder: what was installed and the sha256 of
 * every file as verified at install time, so `verify` can detect any later corruption.
 */
export const MANIFEST_NAME = '.kiwi-model.json';

export const InstallManifestSchema = z.object({
  id: z.string(),
  installed_at: z.string(),
  /** `catalog`: downloaded from the catalog's URLs. `fixture`: a test fixture standing in for it. */
  source: z.enum(['catalog', 'fixture']),
  /** The catalog files (url + sha256) this install came from; null sha256 = installed unverified. */
  catalog_files: z.array(z.object({ url: z.string(), sha256: z.string().nullable() })),
  /** Fixture provenance (registry packages and their archive hashes) when source is `fixture`. */
  fixture: z.array(z.object({ package: z.string(), version: z.string(), archive_sha256: z.string() })).optional(),
  /** A fixture standing in for a catalog model of another format: how to run it. */
  substitute: z
    .object({
      for: z.string(),
      task: z.enum(MODEL_TASKS),
      engine: z.enum(MODEL_ENGINES),
      languages: z.array(z.string()),
      /** Engine settings (a catalog entry's `config`) when the engine needs file names. */
      config: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
      /** Where it is the default; absent: wherever the model it stands for is. */
      default_for: z.array(z.string()).optional(),
    })
    .optional(),
  files: z.record(z.string(), z.object({ sha256: z.string(), size: z.number() })),
});

export type InstallManifest = z.infer<typeof InstallManifestSchema>;

/** Every regular file below `dir` (relative, forward slashes), the manifest itself excluded. */
export async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fsp.readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(dir, rel)));
    else if (entry.isFile() && rel !== MANIFEST_NAME) out.push(rel);
  }
  return out.sort();
}

/** Hash every file of a prepared model folder and write its manifest. */
export async function writeManifest(
  dir: string,
  base: Omit<InstallManifest, 'files' | 'installed_at'>,
): Promise<InstallManifest> {
  const files: InstallManifest['files'] = {};
  for (const rel of await listFiles(dir)) {
    const abs = path.join(dir, rel);
    files[rel] = { sha256: await sha256File(abs), size: (await fsp.stat(abs)).size };
  }
  const manifest: InstallManifest = { ...base, installed_at: new Date().toISOString(), files };
  await writeFileAtomic(path.join(dir, MANIFEST_NAME), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** The manifest of an installed model, or a reason why there is none usable. */
export async function readManifest(dir: string): Promise<{ manifest: InstallManifest } | { problem: string }> {
  const file = path.join(dir, MANIFEST_NAME);
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { problem: code === 'ENOENT' ? `missing: ${file} (the model is not installed)` : `unreadable: ${file}: ${code}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { problem: `corrupted: ${file} is not JSON` }; // the reason is the problem itself
  }
  const parsed = InstallManifestSchema.safeParse(json);
  return parsed.success ? { manifest: parsed.data } : { problem: `corrupted: ${file} does not match the manifest schema` };
}
