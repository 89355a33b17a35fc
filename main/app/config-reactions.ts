import type { ConfigService } from '../config/config-service.ts';
import type { Engine } from '../engine/engine.ts';
import type { EventBus } from '../engine/events/event-bus.ts';
import { LISTENING_KEYS, STAGE_INPUTS, stagesTouchedBy } from '../engine/parts.ts';
import type { PartName } from '../engine/stages.ts';
import type { HomeAssistantClient } from '../homeassistant/ha-client.ts';
import type { Integrations } from '../integrations/integrations.ts';
import type { LlmSlot } from '../llm/llm-slot.ts';
import type { Logger } from '../platform/logger.ts';
import type { SecurityService } from '../security/security-service.ts';
import type { TimerService } from '../timers/timer-service.ts';

/** The services a config change reaches (KiwiRuntime is one; read at the change, as the engine is rebuilt). */
export interface ConfigListeners {
  readonly bus: EventBus;
  readonly config: ConfigService;
  readonly engine: Engine;
  readonly logger: Logger;
  readonly homeassistant: HomeAssistantClient;
  readonly timers: TimerService;
  readonly integrations: Integrations;
  readonly security: SecurityService;
  readonly llm: LlmSlot;
}

export interface ConfigReactionDeps {
  runtime: ConfigListeners;
  /** Pay the command path's first-call costs for the (new) language. */
  warm(): void;
  /** Rebuild these engine stages once `before` has settled (EngineSlot.rebuild). */
  rebuild(stages: readonly PartName[], why: string, before: () => Promise<void>): Promise<void>;
}

/** A config change reaches the services that read the changed keys; the engine rebuilds only the stages they touch. */
export function reactToConfig(updated: Record<string, unknown>, changed: string[], { runtime, warm, rebuild }: ConfigReactionDeps): void {
  const { bus, config, engine, logger } = runtime;
  bus.emit('CONFIG_CHANGED', { updated }, 'config');
  if (changed.includes('language')) {
    bus.emit('LANGUAGE_CHANGED', { language: config.current.language }, 'config');
    warm();
  }
  if (changed.includes('listening')) engine.applyListening(config.current.listening);
  if (changed.some((p) => p.startsWith('homeassistant.'))) runtime.homeassistant.start();
  if (changed.includes('clock.time_zone')) runtime.timers.rezone();
  void runtime.integrations.configChanged(changed);
  if (changed.some((p) => p.startsWith('telegram.'))) {
    runtime.security.startTelegram().catch((err: unknown) => logger.error({ err }, 'restarting Telegram approvals failed'));
  }
  if (changed.includes('llm.provider')) runtime.llm.rebuild(); // the other llm.* keys are read per request
  const stages = stagesTouchedBy(changed);
  if (stages.length > 0 || changed.some((p) => LISTENING_KEYS.has(p))) {
    // A turn that changed config (e.g. "speak German") finishes its reply first, within reason.
    const settled = async () => void (await Promise.race([runtime.engine.idle(), new Promise((resolve) => setTimeout(resolve, 15_000).unref())]));
    const why = `${changed.filter((p) => stages.some((s) => STAGE_INPUTS[s].includes(p))).join(', ') || 'config'} changed`;
    // Queued at once, so a request right after the change can wait for it (settled()).
    rebuild(stages, why, settled).catch((err: unknown) => logger.error({ err }, 'engine rebuild after a config change failed'));
  }
}
