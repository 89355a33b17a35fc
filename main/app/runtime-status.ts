import type { Status } from '../contract/api.ts';
import type { ConfigService } from '../config/config-service.ts';
import type { MicrophoneStatus } from '../engine/audio/microphone-supervisor.ts';
import type { Engine } from '../engine/engine.ts';
import type { OwnerHandsFree } from '../engine/listening/hands-free.ts';
import type { HomeAssistantClient } from '../homeassistant/ha-client.ts';
import type { LlmSlot } from '../llm/llm-slot.ts';
import { openClawPairing } from '../llm/openclaw/link.ts';
import type { SoulService } from '../souls/soul-service.ts';
import { isHouseholdOpen } from '../speakers/roles.ts';
import type { Store } from '../store/store.ts';

/** What the status reads: the runtime's services (KiwiRuntime is one). */
export interface StatusSources {
  /** performance.now() when the runtime started. */
  readonly startedAt: number;
  readonly config: ConfigService;
  readonly engine: Engine;
  readonly souls: SoulService;
  readonly homeassistant: HomeAssistantClient;
  readonly store: Store;
  readonly handsFree: OwnerHandsFree;
  readonly llm: LlmSlot;
  readonly missing: string[];
  readonly systemMicrophone: (() => MicrophoneStatus) | null;
}

/** GET /api/status: what the runtime and its engine are doing now. */
export function runtimeStatus(runtime: StatusSources, webAudioClients: number): Status {
  const cfg = runtime.config.current;
  const state = runtime.engine.state;
  const tts = runtime.engine.parts.tts ? (runtime.engine.fallbacks.find((f) => f.stage === 'tts')?.used ?? cfg.tts_provider) : 'none';
  return {
    state,
    language: cfg.language,
    tts_provider: tts,
    tts_configured: cfg.tts_provider,
    voice: runtime.engine.parts.tts?.pickVoice?.(cfg.tts_voice, cfg.language) ?? null,
    is_speaking: state === 'SPEAKING',
    is_processing: state === 'PROCESSING' || state === 'THINKING',
    is_running: true,
    uptime_seconds: Math.floor((performance.now() - runtime.startedAt) / 1000),
    active_speaker: runtime.engine.activeSpeaker,
    active_soul: runtime.souls.active.id,
    homeassistant_connected: runtime.homeassistant.status().connected,
    listening: cfg.listening && runtime.engine.canListen,
    household_open: isHouseholdOpen(runtime.store.speakers.list()),
    hands_free_active: runtime.handsFree.active,
    web_audio_clients: webAudioClients,
    missing: runtime.missing,
    rebuilding: runtime.engine.rebuilding,
    openclaw: openClawPairing(runtime.llm.client),
    system_microphone: runtime.systemMicrophone?.() ?? null,
    wake_word_engine: runtime.engine.wakeEngine,
    wake_confirm: runtime.engine.wakeEngine === 'kws' ? cfg.voice.wake_confirm : null,
    // A souls.default naming no usable soul is reported like an engine part on its alternative.
    fallbacks: [...runtime.engine.fallbacks, ...(runtime.souls.defaultFallback ? [runtime.souls.defaultFallback] : [])],
  };
}
