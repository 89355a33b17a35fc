import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { KiwiError, notFound } from '../../platform/errors.ts';
import { resourcesDir } from '../../platform/paths.ts';
import { CatalogSchema, type Catalog, type CatalogModel } from './catalog-schema.ts';

/** The catalog ships with the code: resources/models/catalog.json. */
export const catalogPath = path.join(resourcesDir, 'models', 'catalog.json');

/** `KIWI_CATALOG` points at another catalog file (a local mirror of the model files, or a test). */
export const catalogFile = (env: NodeJS.ProcessEnv = process.env): string => env.KIWI_CATALOG || catalogPath;

const cached = new Map<string, Promise<Catalog>>();

/** Read and validate a catalog file (once per process and file). */
export function loadCatalog(file = catalogFile()): Promise<Catalog> {
  let catalog = cached.get(file);
  if (!catalog) {
    catalog = readCatalogFile(file);
    cached.set(file, catalog);
    catalog.catch(() => cached.delete(file)); // a failed read must not stick: the next call tries again
  }
  return catalog;
}

export async function readCatalogFile(file: string): Promise<Catalog> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    throw new KiwiError('model_catalog_missing', `cannot read the model catalog ${file}: ${(err as Error).message}`, 500);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new KiwiError('model_catalog_invalid', `${file} is not valid JSON: ${(err as Error).message}`, 500);
  }
  return parseCatalog(json, file);
}

export function parseCatalog(json: unknown, source = 'catalog'): Catalog {
  const result = CatalogSchema.safeParse(json);
  if (!result.success) {
    throw new KiwiError('model_catalog_invalid', `${source} is invalid:\n${z.prettifyError(result.error)}`, 500);
  }
  return result.data;
}

export function findModel(catalog: Catalog, id: string): CatalogModel {
  const model = catalog.models.find((m) => m.id === id);
  if (!model) throw notFound('model', id);
  return model;
}
