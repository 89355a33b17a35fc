import fs from 'node:fs/promises';
import path from 'node:path';
import { ConfigService } from '../../../config/config-service.ts';
import type { EventEnvelope } from '../../../contract/events.ts';
import type { IdentifiedSpeaker, TurnRequest } from '../../../engine/listening/turn.ts';
import { EventBus } from '../../../engine/events/event-bus.ts';
import { resourcesDir } from '../../../platform/paths.ts';
import { SoulRegistry } from '../../../souls/soul-registry.ts';
import { SoulService } from '../../../souls/soul-service.ts';
import { SpeakerService } from '../../../speakers/speaker-service.ts';
import { openSqliteStore } from '../../../store/sqlite-store.ts';
import type { SpeakerRecord, Store } from '../../../store/store.ts';
import { makeTempDir } from '../../../testing/kiwi-test-server.ts';
import { ConversationContext } from '../../conversation-context.ts';
import { LastVoiceSlot } from '../last-voice.ts';
import type { CommandDeps } from '../types.ts';

/** Real services over a temporary SQLite file and config file: what KiwiRuntime builds, minus the engine. */
export interface CommandHarness {
  deps: CommandDeps & { lastVoice: LastVoiceSlot; context: ConversationContext };
  store: Store;
  config: ConfigService;
  souls: SoulService;
  events: EventEnvelope[];
  clock: { now: number };
  request(text: string, options?: { language?: string; speaker?: SpeakerRecord | null; source?: string }): TurnRequest;
  close(): Promise<void>;
}

export async function makeCommandHarness(options: { env?: NodeJS.ProcessEnv; allowNsfw?: boolean } = {}): Promise<CommandHarness> {
  const dir = await makeTempDir('kiwi-commands-');
  const configFile = path.join(dir, 'config.yaml');
  if (options.allowNsfw) await fs.writeFile(configFile, 'souls:\n  allow_nsfw: true\n');
  const config = await ConfigService.load(configFile, options.env ?? {});
  const store = openSqliteStore(path.join(dir, 'kiwi.db'));
  const bus = new EventBus();
  const events: EventEnvelope[] = [];
  bus.subscribe((e) => events.push(e));
  const registry = await SoulRegistry.load(path.join(resourcesDir, 'souls'), path.join(dir, 'souls'));
  const souls = new SoulService(registry, store, bus, () => config.current);
  const clock = { now: Date.parse('2026-11-25T13:05:00Z') };
  const deps = {
    config,
    souls,
    store,
    speakers: new SpeakerService(store, bus),
    bus,
    context: new ConversationContext(bus),
    lastVoice: new LastVoiceSlot(10 * 60_000, () => clock.now),
    now: () => new Date(clock.now),
    timeZone: 'UTC',
  };
  return {
    deps,
    store,
    config,
    souls,
    events,
    clock,
    request: (text, { language = 'en', speaker = null, source = 'mic' } = {}) => ({
      text,
      language,
      speaker: speaker ? identified(speaker) : null,
      source,
      signal: new AbortController().signal,
    }),
    close: async () => {
      store.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

export const identified = (s: SpeakerRecord): IdentifiedSpeaker => ({ id: s.id, name: s.name, priority: s.priority, confidence: 0.9, blocked: s.is_blocked });

/** A unit-length voice print pointing along one axis, so tests can tell voices apart. */
export function voicePrint(axis: number, size = 8): Float32Array {
  const v = new Float32Array(size);
  v[axis % size] = 1;
  return v;
}
