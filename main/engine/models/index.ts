/** Model supply: the catalog, downloads with resume and sha256 checks, verification, paths. */
export { loadCatalog, findModel, parseCatalog, catalogPath } from './catalog.ts';
export type { Catalog, CatalogModel, CatalogFile, ModelTask } from './catalog-schema.ts';
export { downloadModel, downloadsDir, type DownloadOptions } from './download.ts';
export type { ModelDownloadEvent, ModelDownloadEventName } from './events.ts';
export { listModels, type ModelListing } from './list.ts';
export { verifyModel, modelPath, type VerifyResult } from './verify.ts';
export { requireVerifiedModel } from './require.ts';
