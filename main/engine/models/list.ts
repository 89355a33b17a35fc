import { modelsDir } from '../../platform/paths.ts';
import { loadCatalog } from './catalog.ts';
import type { Catalog, CatalogModel } from './catalog-schema.ts';
import { readManifest } from './manifest.ts';
import { modelPath } from './verify.ts';

/** One row of `kiwi models list --json` and of the server's model list. */
export interface ModelListing {
  id: string;
  name: string;
  task: CatalogModel['task'];
  engine: CatalogModel['engine'];
  languages: string[];
  license: string;
  commercial_use: boolean;
  size_bytes: number;
  default_for: string[];
  installed: boolean;
  path: string;
  files: Array<{ url: string; sha256: string | null; size: number | null }>;
}

/** Catalog models with whether each is installed (has a readable install manifest). */
export async function listModels(opts: { modelsDir?: string; catalog?: Catalog } = {}): Promise<ModelListing[]> {
  const catalog = opts.catalog ?? (await loadCatalog());
  const root = opts.modelsDir ?? modelsDir();
  return Promise.all(
    catalog.models.map(async (m) => {
      const dir = modelPath(m.id, { modelsDir: root });
      const read = await readManifest(dir);
      return {
        id: m.id,
        name: m.name,
        task: m.task,
        engine: m.engine,
        languages: m.languages,
        license: m.license,
        commercial_use: m.commercial_use,
        size_bytes: m.size_bytes,
        default_for: m.default_for,
        installed: 'manifest' in read,
        path: dir,
        files: m.files.map((f) => ({ url: f.url, sha256: f.sha256, size: f.size })),
      };
    }),
  );
}
