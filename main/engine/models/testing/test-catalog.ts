import crypto from 'node:crypto';
import { parseCatalog } from '../catalog.ts';
import type { Catalog, CatalogFile } from '../catalog-schema.ts';

export const sha256 = (data: Buffer) => crypto.createHash('sha256').update(data).digest('hex');

/** Bytes that do not compress and are not all alike, so a shifted resume would change the hash. */
export const randomBody = (size: number) => crypto.randomBytes(size);

/** A one-model catalog pointing at the loopback server, validated like the shipped one. */
export function testCatalog(id: string, files: Array<Partial<CatalogFile> & { url: string }>): Catalog {
  return parseCatalog({
    version: 1,
    models: [
      {
        id,
        name: `test model ${id}`,
        task: 'vad',
        engine: 'sherpa-vad',
        languages: ['multi'],
        license: 'MIT',
        commercial_use: true,
        size_bytes: 1,
        description: 'served by the test',
        files: files.map((f) => ({ sha256: null, size: null, ...f })),
      },
    ],
  });
}
