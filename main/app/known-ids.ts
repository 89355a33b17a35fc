import type { KnownIds } from '../config/config-meaning.ts';
import { knownAudioDevices } from '../engine/audio/devices.ts';
import { loadCatalog } from '../engine/models/catalog.ts';
import { installedModels } from '../engine/models/resolve.ts';
import { recommendFrom } from '../engine/recommend.ts';
import type { SoulService } from '../souls/soul-service.ts';
import type { RuntimePaths } from './runtime-files.ts';

/**
 * What ids in the config may name (ConfigService.useKnownIds): catalog models and existing souls,
 * checked at startup and on every PATCH. Until the runtime has started (`startedUp`), installed
 * models and audio devices are not checked: a model the file names but that is missing is reported
 * by its stage, and an unplugged device is retried by the microphone.
 */
export function knownIds(deps: {
  paths: Pick<RuntimePaths, 'catalog' | 'models'>;
  env: NodeJS.ProcessEnv;
  souls: Pick<SoulService, 'list'>;
  startedUp: () => boolean;
}): () => Promise<KnownIds> {
  const { paths, env, souls, startedUp } = deps;
  return async () => {
    const started = startedUp();
    const catalog = await loadCatalog(paths.catalog);
    const installed = started ? await installedModels(paths.models, catalog) : undefined;
    return {
      models: catalog.models,
      installedModels: installed && new Set(installed.map((m) => m.id)),
      stageModels: installed && ((next) => recommendFrom(next, catalog, installed)),
      souls: souls.list().map(({ id, nsfw }) => ({ id, nsfw })),
      audioDevices: started ? await knownAudioDevices({ env }) : undefined,
    };
  };
}
