import type { ConfigService } from '../config/config-service.ts';
import { ConversationContext } from '../dialogue/conversation-context.ts';
import { AudioHub } from '../engine/audio/audio-hub.ts';
import { EventBus } from '../engine/events/event-bus.ts';
import { HomeAssistantClient } from '../homeassistant/ha-client.ts';
import { storedConversations } from '../memory/index.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import { SoulService } from '../souls/soul-service.ts';
import { SpeakerService } from '../speakers/speaker-service.ts';
import type { Store } from '../store/store.ts';
import { knownIds } from './known-ids.ts';
import { openRuntimeFiles, type RuntimePaths } from './runtime-files.ts';

/** The services the runtime wires everything else over: they need nothing but the data folder and each other. */
export interface CoreServices {
  paths: RuntimePaths;
  config: ConfigService;
  store: Store;
  bus: EventBus;
  hub: AudioHub;
  souls: SoulService;
  speakers: SpeakerService;
  context: ConversationContext;
  homeassistant: HomeAssistantClient;
}

/**
 * Open the data folder's files and the core services over them. The config's ids are checked
 * against what exists; `startedUp` says when the runtime runs, from which on installed models and
 * audio devices are checked too (known-ids.ts).
 */
export async function openCoreServices(deps: { env: NodeJS.ProcessEnv; logger: Logger; clock?: Clock; startedUp: () => boolean }): Promise<CoreServices> {
  const { env, logger, clock, startedUp } = deps;
  const { paths, config, registry, store } = await openRuntimeFiles(env, logger);
  const bus = new EventBus((err, event) => logger.error({ err, event }, 'event listener failed'));
  const current = () => config.current;
  const souls = new SoulService(registry, store, bus, current);
  // Ids in the config must name a catalog model and an existing soul (checked now, and on every PATCH).
  await config.useKnownIds(knownIds({ paths, env, souls, startedUp }));
  return {
    paths,
    config,
    store,
    bus,
    hub: new AudioHub(),
    souls,
    speakers: new SpeakerService(store, bus),
    context: new ConversationContext(bus, undefined, storedConversations(store)),
    homeassistant: new HomeAssistantClient({ config: current, bus, clock }),
  };
}
