import type { ConfigService } from '../config/config-service.ts';
import type { AudioHub } from '../engine/audio/audio-hub.ts';
import { Engine, type EngineOptions } from '../engine/engine.ts';
import type { EventBus } from '../engine/events/event-bus.ts';
import { loadCatalog } from '../engine/models/catalog.ts';
import { buildParts, namedModel, type BuiltParts } from '../engine/parts.ts';
import { recommendFrom } from '../engine/recommend.ts';
import { installedModels } from '../engine/models/resolve.ts';
import { PART_NAMES, type PartName } from '../engine/stages.ts';
import { describeError } from '../platform/errors.ts';
import { SerialQueue } from '../platform/serial-queue.ts';
import type { Logger } from '../platform/logger.ts';
import type { Config } from '../contract/config.ts';
import { keptStageConfig, tuningChanged } from './kept-stage-tuning.ts';
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
  readonly #rebuilds = new SerialQueue();
  readonly #triedDownloads = new Set<string>();
  /** The tts_provider the running voice was built for ('system' when it fell back to the system voice). */
  #voiceProvider = 'system';
  /** The config each running stage was built from. */
  readonly #builtWith: Partial<Record<PartName, Config>> = {};

  constructor(private readonly deps: EngineSlotDeps) {
    // However a model comes in (the models API, the setup, first use), a stage waiting for it picks it up.
    deps.models.onDownload((_id, installed) => this.#pickUp(installed));
    deps.models.useEngine({ inUse: () => this.modelsInUse(), between: (job) => this.between(job) });
  }

  /** Run `job` after the rebuilds under way and before later ones: no stage loads a model meanwhile. */
  between<T>(job: () => Promise<T>): Promise<T> {
    return this.#rebuilds.run(job);
  }

  get engine(): Engine {
    return this.#engine;
  }

  /**
   * Build `stages` into the current set of models, then run a new engine over them; `retuned`
   * stages (kept on their model while a new one downloads) are built on the same model with the
   * current tuning.
   */
  async start(stages: readonly PartName[], retuned: readonly PartName[] = []): Promise<void> {
    const { config, paths } = this.deps;
    const current = config.current;
    const catalog = await loadCatalog(paths.catalog);
    const builds = [
      { config: current, stages },
      ...retuned.map((stage) => ({ config: keptStageConfig(stage, this.#builtWith[stage]!, current), stages: [stage] })),
    ];
    const parts: BuiltParts[] = [];
    for (const build of builds) {
      parts.push(await buildParts({ config: build.config, modelsDir: paths.models, catalog }, build.stages));
      for (const stage of build.stages) this.#builtWith[stage] = build.config;
    }
    const fresh = parts.reduce(joinBuilt);
    // Stages not rebuilt keep their models; the notes and the models wanted are the new build's own.
    const built: BuiltParts = { ...joinBuilt(this.#built, fresh), notes: fresh.notes, wanted: fresh.wanted };
    this.#built = built;
    if (fresh.parts.tts) this.#voiceProvider = fresh.fallbacks?.some((f) => f.stage === 'tts') ? 'system' : config.current.tts_provider;
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
    // A failed rebuild does not block later ones; its caller sees the failure.
    return this.#rebuilds.run(async () => {
      await before?.();
      const waiting = await this.#waitingForModel(stages);
      stages = stages.filter((stage) => !waiting.some((w) => w.stage === stage));
      if (waiting.length > 0) this.#keepUntilInstalled(waiting);
      // A kept stage whose thresholds (device, window) changed runs with them now, on the model it has.
      const retuned = waiting.map((w) => w.stage).filter((stage) => tuningChanged(stage, this.#builtWith[stage], this.deps.config.current));
      const torn = [...stages, ...retuned];
      if (torn.length > 0) {
        const kept = {
          ...this.#built,
          parts: { ...this.#built.parts },
          missing: { ...this.#built.missing },
          modelIds: { ...this.#built.modelIds },
          fallbacks: (this.#built.fallbacks ?? []).filter((f) => !stages.includes(f.stage as PartName)),
        };
        for (const stage of torn) {
          delete kept.parts[stage];
          delete kept.missing[stage];
          delete kept.modelIds[stage];
        }
        this.#swap(kept, Object.fromEntries(torn.map((stage) => [stage, reason])));
        this.#disposeParts(torn);
        this.#built = kept;
      }
      await this.start(stages, retuned);
    });
  }

  /** Resolves once the rebuilds under way are done, or after `timeoutMs`, whichever is first. */
  async settled(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.#rebuilds.idle(), new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  }

  /**
   * Download `ids` in the background (one already downloading is joined, not restarted); once they
   * are all done and any was installed, rebuild the stages still waiting for a model. Resolves once
   * the downloads have started; a refusal (unknown id, no checksum) rejects.
   */
  async installModels(ids: string[]): Promise<void> {
    // Each one started is picked up as it is installed (onDownload); one already running was, when it started.
    await this.#startDownloads(ids);
  }

  /** Once a download is installed, rebuild the stages still waiting for a model, so the engine picks it up by itself. */
  #pickUp(installed: Promise<boolean>): void {
    const { logger } = this.deps;
    void installed
      .then((done) => {
        const unready = this.#unreadyStages(); // none: every stage runs what config asks, nothing to swap
        return done && unready.length > 0 ? this.rebuild(unready, 'a model was installed') : undefined;
      })
      .catch((err: unknown) => logger.error({ err }, 'rebuilding the engine after a model download failed'));
  }

  /**
   * The installed models the engine runs on now, and those config names by id (it would run on
   * them after the next restart): `DELETE /api/models/{id}` refuses these.
   */
  modelsInUse(): string[] {
    const named = PART_NAMES.map((stage) => namedModel(stage, this.deps.config.current)).filter((id): id is string => id !== null);
    return [...new Set([...Object.values(this.#built.modelIds ?? {}), ...named])];
  }

  /** After the rebuilds under way: the engine stopped and every model freed. */
  async close(): Promise<void> {
    await this.#rebuilds.idle();
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

  /**
   * The stages among `stages` that run now but whose new model (named, or what `auto` picks for
   * the language or the voice provider) is not installed yet: tearing them down would leave Kiwi
   * deaf (or without voice prints, or on the system voice) until the new model is in. A stage
   * with a usable alternative that serves the new config better is not kept: the wake word by
   * transcript (unless a wake model is named), the system voice when the running voice does not
   * speak the new language.
   */
  async #waitingForModel(stages: readonly PartName[]): Promise<Array<{ stage: PartName; id: string }>> {
    const running = stages.filter((stage) => this.#built.parts[stage] !== undefined);
    if (running.length === 0) return [];
    const config = this.deps.config.current;
    const catalog = await loadCatalog(this.deps.paths.catalog);
    const installed = await installedModels(this.deps.paths.models, catalog);
    const stillServes = (stage: PartName): boolean => {
      // A model whose files went away (deleted by hand, then Restart) is not kept: the stage says what is missing.
      const runs = this.#built.modelIds?.[stage];
      if (runs !== undefined && !installed.some((m) => m.id === runs)) return false;
      if (stage === 'wake') return config.voice.wake_model !== 'auto';
      if (stage !== 'tts') return true; // nothing else would serve: keeping it beats being deaf
      if (runs === undefined) return true; // the system voice, which speaks every language
      const voice = installed.find((m) => m.id === runs);
      return [...(voice?.languages ?? []), ...(voice?.default_for ?? [])].some((l) => l === config.language || l === 'multi');
    };
    return recommendFrom(config, catalog, installed)
      .filter((r) => running.includes(r.stage) && r.ready === null && r.model !== null && stillServes(r.stage))
      .map((r) => ({ stage: r.stage, id: r.model!.id }));
  }

  /**
   * Keep the running model of each waiting stage, shown as a fallback (GET /api/status
   * `fallbacks`: configured → what runs, and why); with auto_download_models, download the new
   * one: once it is installed the stage is rebuilt on it (a fallback stage is unready).
   */
  #keepUntilInstalled(waiting: Array<{ stage: PartName; id: string }>): void {
    const { config, models, logger } = this.deps;
    const auto = config.current.auto_download_models;
    const kept = (this.#built.fallbacks ?? []).filter((f) => !waiting.some((w) => w.stage === f.stage));
    // Once per model and process, like first use: a model that still does not resolve once installed must not loop.
    const fresh = waiting.map((w) => w.id).filter((id) => !this.#triedDownloads.has(id));
    for (const id of fresh) this.#triedDownloads.add(id);
    const pending = (id: string, how: string) => `'${id}' is not installed yet (${how}); the current model runs until it is`;
    const byHand = (id: string) => `install it: kiwi models download ${id}, or from the dashboard's Models`;
    for (const { stage, id } of waiting) {
      const part = this.#built.parts[stage] as { model?: string; name: string };
      const downloading = auto && (fresh.includes(id) || models.isRunning(id));
      // The voice is named by its provider (status `tts_provider`), like the system-voice fallback.
      const used = stage === 'tts' ? (this.#built.fallbacks?.find((f) => f.stage === 'tts')?.used ?? this.#voiceProvider) : (part.model ?? part.name);
      const fallback = { stage, configured: id, used, reason: pending(id, downloading ? 'downloading' : byHand(id)) };
      kept.push(fallback);
      logger.warn(`engine: ${stage}: ${id} is not installed yet; keeping ${fallback.used} until it is`);
    }
    this.#built = { ...this.#built, fallbacks: kept };
    // A failed download (offline, refused, cancelled) must not leave the status saying "downloading" for ever.
    const failed = (id: string, why: string) => {
      for (const f of kept) if (f.configured === id && waiting.some((w) => w.stage === f.stage)) f.reason = pending(id, `${why}; ${byHand(id)}`);
    };
    if (auto && fresh.length > 0) {
      void this.#startDownloads(fresh)
        .then((outcomes) => outcomes.forEach(({ installed }, i) => void installed.then((ok) => ok || failed(fresh[i]!, 'its download failed'))))
        .catch((err: unknown) => {
          for (const id of fresh) failed(id, `it cannot be downloaded: ${describeError(err)}`);
          logger.error({ err }, 'downloading a newly chosen model failed');
        });
    }
  }

  /** Start (or join) the downloads of `ids`; resolves to each one's outcome once they have all started. */
  async #startDownloads(ids: string[]): Promise<Array<{ installed: Promise<boolean> }>> {
    const { models } = this.deps;
    return Promise.all(ids.map(async (id) => (models.isRunning(id) ? { installed: models.finished(id) } : models.start(id, { trustUnverified: false }))));
  }

  /** The stages that could not be built or run on a fallback (a model download may have fixed them). */
  #unreadyStages(): PartName[] {
    return PART_NAMES.filter((stage) => this.#built.missing[stage] !== undefined || this.#built.fallbacks?.some((f) => f.stage === stage));
  }
}

/** `b` built after `a`: its stages replace theirs, fallbacks, notes and the models wanted add up. */
export function joinBuilt(a: BuiltParts, b: BuiltParts): BuiltParts {
  return {
    parts: { ...a.parts, ...b.parts },
    missing: { ...a.missing, ...b.missing },
    fallbacks: [...(a.fallbacks ?? []), ...(b.fallbacks ?? [])],
    notes: [...a.notes, ...b.notes],
    wanted: [...a.wanted, ...b.wanted],
    modelIds: { ...a.modelIds, ...b.modelIds },
  };
}
