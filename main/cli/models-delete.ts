import { deleteWithoutServer, runningServers, ServersNoted, type RunningServer } from '../app/server-registry.ts';
import { ConfigService } from '../config/config-service.ts';
import { catalogFile, findModel, loadCatalog } from '../engine/models/catalog.ts';
import type { Catalog } from '../engine/models/catalog-schema.ts';
import { removeModel } from '../engine/models/download.ts';
import { formatBytes } from '../engine/models/progress.ts';
import { installedModels } from '../engine/models/resolve.ts';
import { namedModel } from '../engine/parts.ts';
import { recommendFrom } from '../engine/recommend.ts';
import { PART_NAMES } from '../engine/stages.ts';
import { KiwiError } from '../platform/errors.ts';
import { configPath, modelsDir } from '../platform/paths.ts';
import { parseFlags, UsageError } from './command.ts';
import { askServer } from './server-client.ts';

/** Points in a deletion where a test interleaves a server's start (each may return a promise to wait on). */
export interface DeleteHooks {
  /** This process has found no server on the models folder and is about to decide for itself. */
  noServerSeen?: () => unknown;
  /** Deciding for itself, it is about to delete (it has noted itself and looked for servers again). */
  deleting?: () => unknown;
}

/**
 * `kiwi models delete <id...>`: never behind a running server's back. With a Kiwi server on this
 * models folder, each deletion goes through its API (DELETE /api/models/{id}: refused while its
 * engine runs on the model, the config chooses it, or it downloads); with none, the same checks
 * are made here against the config, under the lock downloads take. A server that starts meanwhile
 * is seen (the deletion notes itself, then looks again) and asked instead; one that has not begun
 * to listen is a refusal.
 */
export async function deleteModels(argv: string[], env: NodeJS.ProcessEnv = process.env, hooks: DeleteHooks = {}): Promise<number> {
  const { positionals } = parseFlags(argv, {});
  if (positionals.length === 0) throw new UsageError('name at least one model id');
  const catalog = await loadCatalog(catalogFile(env));
  positionals.forEach((id) => findModel(catalog, id)); // unknown ids fail before anything is deleted
  const root = modelsDir(env);
  for (const id of positionals) {
    let server = theServer(root, await runningServers(root));
    let result: { freed_bytes: number };
    if (server) {
      result = await deleteThrough(server, id, env);
    } else {
      await hooks.noServerSeen?.();
      try {
        result = await deleteWithoutServer(root, async () => {
          await hooks.deleting?.();
          return deleteHere(id, catalog, env);
        });
      } catch (err) {
        if (!(err instanceof ServersNoted)) throw err;
        server = theServer(root, err.servers)!;
        result = await deleteThrough(server, id, env);
      }
    }
    console.log(`${id}: deleted, ${formatBytes(result.freed_bytes)} freed${server ? ` (through the Kiwi server at ${server.url})` : ''}`);
  }
  return 0;
}

/** The one server to ask, if any; several, or one still starting (no address yet), is a refusal. */
function theServer(root: string, servers: RunningServer[]): RunningServer | undefined {
  if (servers.length > 1) {
    throw new KiwiError(
      'servers_running',
      `${servers.length} Kiwi servers use ${root} (${servers.map((s) => `pid ${s.pid} at ${s.url || '(starting)'}`).join(', ')}); stop all but one, then run this again (it then asks that one)`,
      409,
    );
  }
  const [server] = servers;
  if (server && !server.url) {
    throw new KiwiError(
      'server_starting',
      `a Kiwi server (pid ${server.pid}) is starting on ${root} and may be opening its models; once it listens, run this again (it then asks that server). If that process is not Kiwi, remove ${server.file}`,
      409,
    );
  }
  return server;
}

/** Ask the running server: its engine knows what it runs on. */
function deleteThrough(server: RunningServer, id: string, env: NodeJS.ProcessEnv): Promise<{ freed_bytes: number }> {
  return askServer<{ freed_bytes: number }>(server, 'DELETE', `/api/models/${encodeURIComponent(id)}`, env);
}

/** No server runs: refuse what the config's stages run on, then delete under the download lock. */
async function deleteHere(id: string, catalog: Catalog, env: NodeJS.ProcessEnv): Promise<{ freed_bytes: number }> {
  const config = (await ConfigService.load(configPath(env), env)).current;
  const root = modelsDir(env);
  const chosen = recommendFrom(config, catalog, await installedModels(root, catalog)).find((r) => r.ready === id);
  const named = PART_NAMES.find((stage) => namedModel(stage, config) === id);
  const stage = chosen?.stage ?? named;
  if (stage) {
    throw new KiwiError(
      'model_in_use',
      `${id} is in use: the config (${configPath(env)}) has Kiwi run its ${stage} on it; choose another model (or language) first, then delete it`,
      409,
    );
  }
  return removeModel(id, { modelsDir: root, catalog });
}
