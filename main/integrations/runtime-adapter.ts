import type { ModelDownloads } from '../app/model-downloads.ts';
import type { ConfigService } from '../config/config-service.ts';
import type { Config } from '../contract/config.ts';
import type { ConversationContext } from '../dialogue/conversation-context.ts';
import type { Engine } from '../engine/engine.ts';
import type { EventBus } from '../engine/events/event-bus.ts';
import type { SoulService } from '../souls/soul-service.ts';
import type { TimerService } from '../timers/timer-service.ts';
import { LanguageCode } from '../contract/languages.ts';
import { KiwiError } from '../platform/errors.ts';
import type { KiwiControl } from './control.ts';
import type { WyomingStages } from './wyoming/stages.ts';

/** What the adapters use of a running Kiwi (KiwiRuntime provides it; named here so integrations never import the runtime). */
export interface IntegrationHost {
  readonly config: Pick<ConfigService, 'current' | 'patch'>;
  readonly souls: Pick<SoulService, 'list' | 'active' | 'switchTo'>;
  readonly bus: Pick<EventBus, 'subscribe'>;
  readonly timers: Pick<TimerService, 'list' | 'stopRinging'>;
  readonly engine: Engine;
  readonly context: Pick<ConversationContext, 'reset'>;
  readonly models: Pick<ModelDownloads, 'list'>;
}

/** The runtime as Home Assistant may drive it: the REST API's control-scope actions, through the same services. */
export function runtimeControl(runtime: IntegrationHost): KiwiControl {
  const allowed = () => {
    const nsfw = runtime.config.current.souls.allow_nsfw;
    return runtime.souls.list().filter((s) => nsfw || !s.nsfw);
  };
  return {
    subscribe: (listener) => runtime.bus.subscribe(listener),
    snapshot: () => {
      const cfg = runtime.config.current;
      const active = runtime.souls.active;
      const next = runtime.timers
        .list()
        .filter((item) => item.state !== 'ringing')
        .reduce<number | null>((soonest, item) => (soonest === null || item.next_at < soonest ? item.next_at : soonest), null);
      return {
        state: runtime.engine.state,
        active_speaker: runtime.engine.activeSpeaker,
        language: cfg.language,
        listening: cfg.listening,
        soul: { id: active.id, name: active.name },
        souls: allowed().map((s) => ({ id: s.id, name: s.name })),
        next_timer: next === null ? null : new Date(next).toISOString(),
      };
    },
    say: (text) => runtime.engine.speak(text),
    stop: () => {
      // As the API's stop: a ringing timer is silenced too.
      const rang = runtime.timers.stopRinging('api').length > 0;
      if (!rang || runtime.engine.parts.tts) runtime.engine.stop();
    },
    resetContext: () => runtime.context.reset(),
    switchSoul: (id) => void runtime.souls.switchTo(id),
    setLanguage: async (language) => {
      const parsed = LanguageCode.safeParse(language);
      if (!parsed.success) throw new KiwiError('invalid_language', `'${language.slice(0, 16)}' is not one of Kiwi's languages`);
      await runtime.config.patch({ language: parsed.data });
    },
    setListening: async (on) => {
      await runtime.config.patch({ listening: on });
    },
  };
}

/** The engine's current stages for the Wyoming server (read per request: a rebuild replaces them). */
export function runtimeStages(runtime: IntegrationHost): WyomingStages {
  const cfg = (): Config => runtime.config.current;
  return {
    stt: () => runtime.engine.parts.stt,
    tts: () => runtime.engine.parts.tts,
    wake: () => runtime.engine.parts.wake?.fork(),
    settings: () => ({ language: cfg().language, voice: cfg().tts_voice, speed: cfg().tts_speed, wakeWord: cfg().wake_word }),
    models: async () => {
      const { stt, tts, wake } = runtime.engine.parts;
      const installed = new Map((await runtime.models.list()).filter((m) => m.installed).map((m) => [m.id, m.languages]));
      const languagesOf = (id: string) => (installed.get(id) ?? [cfg().language]).filter((l) => l !== 'multi');
      return {
        stt: stt && { id: stt.model, languages: languagesOf(stt.model) },
        // A model's voices are offered as Wyoming speakers: Home Assistant lists them, and `synthesize` picks one by name.
        tts: tts && { id: tts.model, languages: languagesOf(tts.model), voices: tts.pickVoice?.(cfg().tts_voice, cfg().language)?.voices ?? [] },
        wake: wake && { id: cfg().wake_word, languages: [cfg().language] },
      };
    },
  };
}
