import path from 'node:path';
import { ConfigService } from '../config/config-service.ts';
import { catalogFile } from '../engine/models/catalog.ts';
import type { Logger } from '../platform/logger.ts';
import { configPath, dataDir, modelsDir, resourcesDir } from '../platform/paths.ts';
import { preparePrivateDir, preparePrivateFile } from '../platform/private-files.ts';
import { SoulRegistry } from '../souls/soul-registry.ts';
import { openSqliteStore } from '../store/sqlite-store.ts';
import type { Store } from '../store/store.ts';

/** Where a Kiwi process keeps its data, models, the user's souls and the model catalog. */
export interface RuntimePaths {
  data: string;
  models: string;
  userSouls: string;
  catalog: string;
}

/** The files a Kiwi process runs on, opened private to the user: config, souls, the store. */
export async function openRuntimeFiles(
  env: NodeJS.ProcessEnv,
  logger: Logger,
): Promise<{ paths: RuntimePaths; config: ConfigService; registry: SoulRegistry; store: Store }> {
  const data = dataDir(env);
  const paths = { data, models: modelsDir(env), userSouls: path.join(data, 'souls'), catalog: catalogFile(env) };
  preparePrivateDir(data);
  preparePrivateFile(configPath(env), { create: false });
  const config = await ConfigService.load(configPath(env), env);
  const registry = await loadSouls(paths.userSouls, logger);
  const dbFile = path.join(data, 'kiwi.db');
  preparePrivateFile(dbFile, { create: true });
  for (const side of ['-wal', '-shm']) preparePrivateFile(dbFile + side, { create: false });
  return { paths, config, registry, store: openSqliteStore(dbFile) };
}

/** The built-in souls and the user's; a soul file that does not parse is skipped with a warning. */
export async function loadSouls(userDir: string, logger: Logger): Promise<SoulRegistry> {
  const registry = await SoulRegistry.load(path.join(resourcesDir, 'souls'), userDir);
  for (const { file, problem } of registry.problems) logger.warn(`soul ${file} skipped: ${problem}`);
  return registry;
}
