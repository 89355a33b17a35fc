import type { Status } from '../contract/api.ts';
import type { EngineState } from '../contract/events.ts';
import type { ConfigService } from '../config/config-service.ts';
import type { ConversationContext } from '../dialogue/conversation-context.ts';
import type { AudioHub } from '../engine/audio/audio-hub.ts';
import type { ChatAnswer, SpeakOutcome } from '../engine/engine.ts';
import type { EventBus } from '../engine/events/event-bus.ts';
import type { PartName } from '../engine/stages.ts';
import type { TurnHandle } from '../engine/turns/turn-run.ts';
import type { HomeAssistantClient } from '../homeassistant/ha-client.ts';
import type { Integrations } from '../integrations/integrations.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import type { SecurityService } from '../security/security-service.ts';
import type { SoulService } from '../souls/soul-service.ts';
import type { SoulEdits } from '../souls/soul-edits.ts';
import type { Enrollment } from '../speakers/identification/enrollment.ts';
import type { SpeakerService } from '../speakers/speaker-service.ts';
import type { Store } from '../store/store.ts';
import type { TimerService } from '../timers/timer-service.ts';
import type { ModelDownloads } from '../app/model-downloads.ts';
import type { FirstRunSetup } from '../app/first-run.ts';
import type { AudioDevices } from '../engine/audio/devices.ts';
import type { TurnHistory } from '../history/turn-history.ts';

/**
 * What the HTTP and WebSocket server needs from a running Kiwi, and nothing more: each member is
 * the narrow slice its routes use. KiwiRuntime provides it; the server never sees the runtime.
 */

/** The engine as routes drive it. It is replaced on a rebuild: read `engine` each time, never keep it. */
export interface EngineControl {
  readonly state: EngineState;
  /** A turn is running (stop would end it). */
  readonly busy: boolean;
  speak(text: string): TurnHandle<SpeakOutcome>;
  chat(text: string, options: { language?: string; speak: boolean }): TurnHandle<ChatAnswer>;
  stop(): void;
  /** Throws the 503 that says why `stage` is not there (missing, or being rebuilt). */
  require(stage: PartName): unknown;
}

/** Config, events and logging: every part of the server uses these. */
export interface ServerBasics {
  config: Pick<ConfigService, 'current' | 'view' | 'patch'>;
  bus: Pick<EventBus, 'emit' | 'subscribe'>;
  logger: Logger;
  /** Kiwi's clock: deadlines the routes set (the local-LLM probe) run on it, as the engine's do. */
  clock: Clock;
}

/** The engine and the audio sinks and sources (/api/audio, speak, chat, stop). */
export interface VoiceServices {
  readonly engine: EngineControl;
  hub: Pick<AudioHub, 'addSink' | 'pushFrame' | 'endSource'>;
  status(webAudioClients: number): Status;
  /** The system's microphones and speakers, from its sound stack (PulseAudio / PipeWire, ALSA). */
  audioDevices(): Promise<AudioDevices>;
  restart(): Promise<void>;
  /** Resolves when the stage rebuilds under way are done (or after `timeoutMs`): a request right after a config change waits for its voice. */
  settled(timeoutMs: number): Promise<void>;
}

export interface SoulServices {
  souls: Pick<SoulService, 'active' | 'defaultSoul' | 'get' | 'list' | 'modelFor' | 'switchTo'>;
  /** PUT/DELETE of user souls, one at a time, each answered from its own result. */
  soulEdits: Pick<SoulEdits, 'put' | 'remove'>;
}

export interface PeopleServices {
  speakers: Pick<SpeakerService, 'list' | 'update' | 'delete' | 'setBlocked'>;
  readonly enrollment: Pick<Enrollment, 'enrol' | 'addSamples'>;
  /** Speaker records and per-speaker memory. */
  store: Store;
  context: Pick<ConversationContext, 'reset'>;
  /** The conversation history (GET /api/conversation). */
  history: Pick<TurnHistory, 'newest' | 'page'>;
}

export interface ToolServices {
  homeassistant: Pick<HomeAssistantClient, 'status' | 'command'>;
  /** Kiwi inside Home Assistant: MQTT discovery and the Wyoming service. */
  integrations: Pick<Integrations, 'status'>;
  models: Pick<ModelDownloads, 'list' | 'start' | 'cancel' | 'remove'>;
  /** First run: the recommended models for the language and their one-call download. */
  setup: Pick<FirstRunSetup, 'plan' | 'download'>;
  timers: TimerService;
  security: SecurityService;
}

export type ServerServices = ServerBasics & VoiceServices & SoulServices & PeopleServices & ToolServices;
