import type { ConfigService } from '../config/config-service.ts';
import type { AudioHub } from '../engine/audio/audio-hub.ts';
import { Engine, type EngineOptions } from '../engine/engine.ts';
import type { EventBus } from '../engine/events/event-bus.ts';
import { loadCatalog } from '../engine/models/catalog.ts';
import { buildParts, type BuiltParts } from '../engine/parts.ts';
import { PART_NAMES, type PartName } from '../engine/stages.ts';
import type { Logger } from '../platform/logger.ts';
import type { ModelDownloads } from './model-downloads.ts';

export interface EngineSlotDeps {
  config: ConfigService;
  bus: EventBus;
  hub: AudioHub;
  logger: Logger;
  models: ModelDownloads;
  paths: { models: string; catalog: string };
  /** What every new engine answers with, besides its models (the runtime's services). */
  wiring: () => Omit<EngineOptions, 'config' | 'bus' | 'hub' | 'built' | 'rebuilding'>;
  /** A new engine runs over freshly built stages: the notes to log, and what the runtime does then (greet, warm up). */
  started: (notes: string[]) => void;
}

/**
 * The engine and the audio models it runs on. The models are owned here, so a new engine (a
 * config change, a restart, a model installed) keeps the ones that did not change; rebuilds run
 * one after another, so overlapping restarts never leave two engines alive.
 */
export class EngineSlot {
  #engine!: Engine;
  #built: BuiltParts = { parts: {}, missing: {}, notes: [], wanted: [] };
  #rebuilds: Promise<void> = Promise.resolve();
  readonly #triedDownloads = new Set<string>();

  constructor(private readonly deps: EngineSlotDeps) {}

  get engine(): Engine {
    return this.#engine;
  }

  /** Build `stages` into the current set of models, then run a new engine over them. */
  async start(stages: readonly PartName[]): Promise<void> {
    const { config, paths } = this.deps;
    const fresh = await buildParts({ config: config.current, modelsDir: paths.models, catalog: await loadCatalog(paths.catalog) }, stages);
    const built: BuiltParts = {
      parts: { ...this.#built.parts, ...fresh.parts },
      missing: { ...this.#built.missing, ...fresh.missing },
      fallbacks: [...(this.#built.fallbacks ?? []), ...(fresh.fallbacks ?? [])],
      notes: fresh.notes,
      wanted: fresh.wanted,
    };
    this.#built = built;
    this.#swap(built);
    if (config.current.auto_download_models) this.#installOnFirstUse(built.wanted);
    this.deps.started(built.notes);
  }

  /**
   * Rebuild `stages` (none: only a new voice loop over the same models), after any rebuild already
   * under way. Meanwhile an engine without them runs and answers 503 `rebuilding` for what needs
   * them: nobody ever gets a disposed model.
   */
  rebuild(stages: readonly PartName[], reason: string, before?: () => Promise<void>): Promise<void> {
    const next = this.#rebuilds.then(async () => {
      await before?.();
      if (stages.length > 0) {
        const kept = {
          ...this.#built,
          parts: { ...this.#built.parts },
          missing: { ...this.#built.missing },
          fallbacks: (this.#built.fallbacks ?? []).filter((f) => !stages.includes(f.stage as PartName)),
        };
        for (const stage of stages) {
          delete kept.parts[stage];
          delete kept.missing[stage];
        }
        this.#swap(kept, Object.fromEntries(stages.map((stage) => [stage, reason])));
        this.#disposeParts(stages);
        this.#built = kept;
      }
      await this.start(stages);
    });
    this.#rebuilds = next.catch(() => undefined); // a failed rebuild must not block later ones; callers see it
    return next;
  }

  /** Resolves once the rebuilds under way are done, or after `timeoutMs`, whichever is first. */
  async settled(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.#rebuilds, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  }

  /**
   * Download `ids` in the background (one already downloading is joined, not restarted); once they
   * are all done and any was installed, rebuild the stages still waiting for a model. Resolves once
   * the downloads have started; a refusal (unknown id, no checksum) rejects.
   */
  async installModels(ids: string[]): Promise<void> {
    const { models, logger } = this.deps;
    const installed = await Promise.all(ids.map(async (id) => (models.isRunning(id) ? models.finished(id) : (await models.start(id, { trustUnverified: false })).installed)));
    void Promise.all(installed)
      .then((done) => (done.some(Boolean) ? this.rebuild(this.#unreadyStages(), 'a model was installed') : undefined))
      .catch((err: unknown) => logger.error({ err }, 'rebuilding the engine after a model download failed'));
  }

  /** After the rebuilds under way: the engine stopped and every model freed. */
  async close(): Promise<void> {
    await this.#rebuilds;
    this.#engine.dispose();
    this.#disposeParts(PART_NAMES);
  }

  /** Replace the engine (cheap: it holds no models of its own) and start the new one. */
  #swap(built: BuiltParts, rebuilding?: Partial<Record<PartName, string>>): void {
    const { config, bus, hub } = this.deps;
    this.#engine?.dispose();
    this.#engine = new Engine({ config: () => config.current, bus, hub, built, rebuilding, ...this.deps.wiring() });
    this.#engine.start();
  }

  #disposeParts(stages: readonly PartName[]): void {
    for (const stage of stages) this.#built.parts[stage]?.dispose();
  }

  /**
   * First use: download (verified) the models that the configured stages lack, then rebuild the
   * engine. Each model is tried once per process; a failure leaves its MODEL_DOWNLOAD_FAILED event
   * and the stage's `missing` line, which says how to install it by hand.
   */
  #installOnFirstUse(ids: string[]): void {
    const { models, logger } = this.deps;
    const fresh = ids.filter((id) => !this.#triedDownloads.has(id) && !models.isRunning(id));
    if (fresh.length === 0) return;
    for (const id of fresh) this.#triedDownloads.add(id);
    logger.info(`downloading on first use: ${fresh.join(', ')} (progress: MODEL_DOWNLOAD_* events, the dashboard's models panel)`);
    void this.installModels(fresh).catch((err: unknown) => logger.error({ err }, 'installing models on first use failed'));
  }

  /** The stages that could not be built or run on a fallback (a model download may have fixed them). */
  #unreadyStages(): PartName[] {
    return PART_NAMES.filter((stage) => this.#built.missing[stage] !== undefined || this.#built.fallbacks?.some((f) => f.stage === stage));
  }
}
