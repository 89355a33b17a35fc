import fs from 'node:fs/promises';
import path from 'node:path';
import { startLoopbackServer, type LoopbackServer } from '../../main/engine/models/testing/loopback-server.ts';
import type { CatalogModel } from '../../main/engine/models/catalog-schema.ts';

/**
 * A local mirror of a model catalog for the browser tests: real model files (the test fixtures)
 * served by a loopback HTTP server, and a catalog file (for KIWI_CATALOG) naming them with their
 * real sha256 and size. Downloads from it run Kiwi's whole path (HTTP, resume, verify, install)
 * without the internet.
 */
export interface CatalogMirror {
  catalogFile: string;
  server: LoopbackServer;
  close(): Promise<void>;
}

/** A catalog entry without its files: they come from the fixture folder `from`. */
export type MirroredModel = Omit<CatalogModel, 'files' | 'size_bytes'> & { from: string };

interface FixtureManifest {
  files: Record<string, { sha256: string; size: number }>;
}

export async function startCatalogMirror(dir: string, models: MirroredModel[]): Promise<CatalogMirror> {
  const served: Record<string, { body: Buffer }> = {};
  const entries: Array<{ model: MirroredModel; files: Array<{ urlPath: string; sha256: string; size: number }> }> = [];
  for (const model of models) {
    const manifest = JSON.parse(await fs.readFile(path.join(model.from, '.kiwi-model.json'), 'utf8')) as FixtureManifest;
    const files = Object.entries(manifest.files).map(([name, { sha256, size }]) => ({ name, urlPath: `/${model.id}/${name}`, sha256, size }));
    for (const f of files) served[f.urlPath] = { body: await fs.readFile(path.join(model.from, f.name)) };
    entries.push({ model, files });
  }
  const server = await startLoopbackServer(served);
  const catalog = {
    version: 1,
    models: entries.map(({ model: { from: _from, ...model }, files }) => ({
      ...model,
      size_bytes: files.reduce((sum, f) => sum + f.size, 0),
      files: files.map((f) => ({ url: server.url(f.urlPath), sha256: f.sha256, size: f.size })),
    })),
  };
  const catalogFile = path.join(dir, 'catalog.json');
  await fs.writeFile(catalogFile, JSON.stringify(catalog, null, 1));
  return { catalogFile, server, close: () => server.close() };
}
