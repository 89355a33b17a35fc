import type { Config } from '../contract/config.ts';
import type { EventBus } from '../engine/events/event-bus.ts';
import { KiwiError, notFound } from '../platform/errors.ts';
import type { Store } from '../store/store.ts';
import type { Soul } from './soul-file.ts';
import type { PromptContext, SoulRegistry } from './soul-registry.ts';

const ACTIVE_KEY = 'active_soul';

/** souls.default is not the default soul now, and why (GET /api/status lists it with the engine's fallbacks). */
export interface DefaultSoulFallback {
  stage: 'soul';
  configured: string;
  used: string;
  reason: string;
}

/** Which soul is active, and the rules for switching (nsfw souls need souls.allow_nsfw). */
export class SoulService {
  constructor(
    private registry: SoulRegistry,
    private readonly store: Store,
    private readonly bus: EventBus,
    private readonly config: () => Config,
  ) {}

  /** The active soul; an nsfw soul falls back to the default as soon as nsfw is no longer allowed. */
  get active(): Soul {
    const stored = this.store.settings.get(ACTIVE_KEY);
    const soul = stored ? this.registry.get(stored) : undefined;
    return soul && this.allowed(soul) ? soul : this.defaultSoul;
  }

  /** `souls.default`, unless it is unknown or an 18+ soul that is not allowed: then the built-in default. */
  get defaultSoul(): Soul {
    const configured = this.registry.get(this.config().souls.default);
    if (configured && this.allowed(configured)) return configured;
    const builtin = this.registry.get('default');
    if (!builtin) throw new KiwiError('no_default_soul', 'The built-in default soul is missing from resources/souls', 500);
    return builtin;
  }

  /** Why `souls.default` is not the default soul (its file was removed by hand, or 18+ is not allowed), or null when it is. */
  get defaultFallback(): DefaultSoulFallback | null {
    const id = this.config().souls.default;
    const configured = this.registry.get(id);
    if (configured && this.allowed(configured)) return null;
    const used = this.defaultSoul.id;
    const reason = configured
      ? `souls.default '${id}' is an 18+ soul and souls.allow_nsfw is off; Kiwi uses the built-in default soul`
      : `souls.default is '${id}', but there is no soul '${id}' (was its file removed?); Kiwi uses the built-in default soul until it is back or another default is chosen`;
    return { stage: 'soul', configured: id, used, reason };
  }

  private allowed(soul: Soul): boolean {
    return !soul.nsfw || this.config().souls.allow_nsfw;
  }

  list(): Soul[] {
    return this.registry.list();
  }

  get(id: string): Soul {
    const soul = this.registry.get(id);
    if (!soul) throw notFound('soul', id);
    return soul;
  }

  switchTo(id: string): Soul {
    const soul = this.get(id);
    if (!this.allowed(soul)) {
      throw new KiwiError('nsfw_not_allowed', `'${soul.name}' is an 18+ soul; set souls.allow_nsfw to true to use it`, 403);
    }
    this.store.settings.set(ACTIVE_KEY, soul.id);
    this.bus.emit('SOUL_CHANGED', { soul_id: soul.id, name: soul.name, nsfw: soul.nsfw, model: this.modelFor(soul) }, 'souls');
    return soul;
  }

  /** The LLM model this soul talks to: its own override, else the configured one. */
  modelFor(soul: Soul): string {
    return soul.model || this.config().llm.model;
  }

  /** The system prompt: base prompt + this soul + who is speaking and in which language. */
  composePrompt(soul: Soul, context: PromptContext): string {
    return this.registry.composePrompt(soul, context);
  }

  /**
   * After a soul file was deleted: when the chosen soul is gone, nobody chose what comes next, so a
   * new soul with its id later does not become active by itself (the default is active meanwhile).
   */
  forget(id: string): void {
    if (this.store.settings.get(ACTIVE_KEY) === id && !this.registry.get(id)) this.store.settings.set(ACTIVE_KEY, '');
  }

  /** After a restart: souls added to the user folder appear. */
  replaceRegistry(registry: SoulRegistry): void {
    this.registry = registry;
  }
}
