import type { Status } from '../contract/api.ts';
import { openClawPairing } from '../llm/openclaw/link.ts';
import { isHouseholdOpen } from '../speakers/roles.ts';
import type { KiwiRuntime } from './runtime.ts';

/** GET /api/status: what the runtime and its engine are doing now. */
export function runtimeStatus(runtime: KiwiRuntime, webAudioClients: number): Status {
  const cfg = runtime.config.current;
  const state = runtime.engine.state;
  const tts = runtime.engine.parts.tts ? (runtime.engine.fallbacks.find((f) => f.stage === 'tts')?.used ?? cfg.tts_provider) : 'none';
  return {
    state,
    language: cfg.language,
    tts_provider: tts,
    tts_configured: cfg.tts_provider,
    is_speaking: state === 'SPEAKING',
    is_processing: state === 'PROCESSING' || state === 'THINKING',
    is_running: true,
    uptime_seconds: Math.floor((Date.now() - runtime.startedAt) / 1000),
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
    fallbacks: runtime.engine.fallbacks,
  };
}
