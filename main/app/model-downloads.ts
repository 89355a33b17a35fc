import type { z } from 'zod';
import type { ModelInfo } from '../contract/api.ts';
import type { EventBus } from '../engine/events/event-bus.ts';
import { findModel, listModels, type Catalog } from '../engine/models/index.ts';
import { fileName, obtainModel, removeModel, type RemoveResult } from '../engine/models/download.ts';
import type { ModelDownloadEvent } from '../engine/models/events.ts';
import { KiwiError } from '../platform/errors.ts';
import type { Logger } from '../platform/logger.ts';

/** What a download request found: under way, nothing to do, or the error that stopped it before it began. */
export type DownloadStatus = { status: 'downloading' | 'installed' } | { status: 'failed'; error: unknown };

/**
 * Model downloads started from the API or on first use: at most one per model at a time, run in
 * the background, progress broadcast as MODEL_DOWNLOAD_* events (the same events the CLI draws its
 * bar from).
 */
export class ModelDownloads {
  readonly #running = new Map<string, { abort: AbortController; installed: Promise<boolean> }>();
  readonly #listeners = new Set<(id: string, installed: Promise<boolean>) => void>();
  /** The models the engine runs on, and a way to run a job between engine rebuilds (set by the engine's owner). */
  #engine: { inUse: () => string[]; between: <T>(job: () => Promise<T>) => Promise<T> } = { inUse: () => [], between: (job) => job() };

  constructor(
    private readonly deps: { modelsDir: () => string; catalog: () => Promise<Catalog>; bus: EventBus; logger: Logger },
  ) {}

  /** Which models the engine runs on; `between` runs a deletion where no rebuild is loading a model. */
  useEngine(engine: { inUse: () => string[]; between: <T>(job: () => Promise<T>) => Promise<T> }): void {
    this.#engine = engine;
  }

  /**
   * Delete an installed model (DELETE /api/models/{id}): refused while it downloads or the engine
   * runs on it; frees its folder and partial downloads; MODEL_DELETED tells the dashboards.
   */
  async remove(id: string): Promise<RemoveResult> {
    const catalog = await this.deps.catalog();
    findModel(catalog, id); // an unknown id is 404
    return this.#engine.between(async () => {
      if (this.#running.has(id)) throw new KiwiError('download_running', `${id} is downloading; cancel it first (DELETE /api/models/${id}/download), then delete it`, 409);
      if (this.#engine.inUse().includes(id)) {
        throw new KiwiError('model_in_use', `${id} is in use: Kiwi runs on it now, or the config chooses it; choose another model (or language) in Settings first, then delete it`, 409);
      }
      const removed = await removeModel(id, { modelsDir: this.deps.modelsDir(), catalog });
      this.deps.logger.info({ id, freed_bytes: removed.freed_bytes }, `model deleted: ${id}`);
      this.deps.bus.emit('MODEL_DELETED', { id, freed_bytes: removed.freed_bytes }, 'models');
      return removed;
    });
  }

  async list(): Promise<Array<z.input<typeof ModelInfo>>> {
    const rows = await listModels({ modelsDir: this.deps.modelsDir(), catalog: await this.deps.catalog() });
    return rows.map((m) => ({
      id: m.id,
      name: m.name,
      task: m.task,
      engine: m.engine,
      languages: m.languages,
      license: m.license,
      commercial_use: m.commercial_use,
      size_bytes: m.size_bytes,
      default_for: m.default_for,
      installed: m.installed,
      verifiable: m.files.every((f) => f.sha256 !== null),
      downloading: this.#running.has(m.id),
    }));
  }

  /**
   * Checks what can be refused at once (unknown id, already running, unverifiable), then downloads
   * in the background; `installed` settles when it is done (true) or failed (false). `status`
   * settles as soon as it is known whether anything has to be fetched: 'installed' when the model
   * already was and its files verify (nothing is fetched), 'downloading' once the download has
   * begun, or the error that ended it before it began (the models folder cannot be read, …).
   */
  async start(id: string, opts: { trustUnverified: boolean }): Promise<{ installed: Promise<boolean>; status: Promise<DownloadStatus> }> {
    const catalog = await this.deps.catalog();
    const model = findModel(catalog, id);
    if (this.#running.has(id)) throw new KiwiError('download_running', `${id} is already downloading`, 409);
    const unverifiable = model.files.filter((f) => f.sha256 === null);
    if (unverifiable.length > 0 && !opts.trustUnverified) {
      throw new KiwiError(
        'model_unverifiable',
        `${id}: no published sha256 for ${unverifiable.map(fileName).join(', ')}; send {"trust_unverified": true} to install it anyway`,
        409,
      );
    }
    const abort = new AbortController();
    const { bus, logger } = this.deps;
    let began: (status: DownloadStatus) => void = () => undefined;
    const beganPromise = new Promise<DownloadStatus>((resolve) => (began = resolve));
    let end: ModelDownloadEvent | undefined;
    const outcome = obtainModel(id, {
      catalog,
      modelsDir: this.deps.modelsDir(),
      signal: abort.signal,
      trustUnverified: opts.trustUnverified,
      onEvent: (e) => {
        if (e.event === 'MODEL_DOWNLOAD_STARTED') began({ status: 'downloading' });
        // The end is told once the download no longer runs (its lock released): a client that lists the models on it sees it finished.
        if (e.event === 'MODEL_DOWNLOAD_COMPLETED' || e.event === 'MODEL_DOWNLOAD_FAILED') end = e;
        else bus.emit(e.event, e.data, 'models');
      },
    });
    const installed = outcome
      .then(({ path: dir, alreadyInstalled }) => {
        if (alreadyInstalled) logger.info({ id, dir }, 'model already installed and verified: nothing to download');
        else logger.info({ id, dir }, 'model installed');
        return true;
      })
      // obtainModel has already emitted MODEL_DOWNLOAD_FAILED with the reason; this is the log line.
      .catch((err: unknown) => {
        logDownloadFailure(logger, id, err);
        return false;
      })
      .finally(() => {
        this.#running.delete(id);
        if (end) bus.emit(end.event, end.data, 'models');
      });
    this.#running.set(id, { abort, installed });
    for (const listener of this.#listeners) listener(id, installed);
    // Whichever comes first: the download begins, or it ends (installed already, or failed before it began).
    const status = Promise.race([
      beganPromise,
      outcome.then(
        (r): DownloadStatus => ({ status: r.alreadyInstalled ? 'installed' : 'downloading' }),
        (err: unknown): DownloadStatus => ({ status: 'failed', error: err }),
      ),
    ]);
    return { installed, status };
  }

  /**
   * Stop the running download of `id`; resolves once it has stopped (its MODEL_DOWNLOAD_FAILED
   * event sent, the bytes fetched so far on disk for the next download to resume from).
   */
  async cancel(id: string): Promise<void> {
    findModel(await this.deps.catalog(), id); // an unknown id is 404, not "not downloading"
    const running = this.#running.get(id);
    if (!running) throw new KiwiError('not_downloading', `${id} is not downloading`, 409);
    running.abort.abort(new KiwiError('model_download_aborted', `the download of ${id} was cancelled`, 499));
    // Past the last byte (checking, unpacking) it runs to the end: say so rather than "cancelled".
    if (await running.installed) throw new KiwiError('download_finished', `${id} was already installing and is now installed`, 409);
  }

  /** Told of every download started, from any caller (API, setup, first use), with its outcome to come. */
  onDownload(listener: (id: string, installed: Promise<boolean>) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  isRunning(id: string): boolean {
    return this.#running.has(id);
  }

  /** Settles when the running download of `id` does (true: installed); false at once when none runs. */
  finished(id: string): Promise<boolean> {
    return this.#running.get(id)?.installed ?? Promise.resolve(false);
  }

  /** Abort every running download (shutdown). */
  abortAll(): void {
    for (const { abort } of this.#running.values()) abort.abort(new KiwiError('shutting_down', 'Kiwi is shutting down'));
  }
}

/**
 * One line per model a user can act on ("could not reach github.com …; put the files in …"), the
 * stack at debug. An error Kiwi did not foresee (not a KiwiError) may be a bug: its stack stays.
 */
function logDownloadFailure(logger: Logger, id: string, err: unknown): void {
  if (err instanceof KiwiError) {
    logger.warn({ id, code: err.code }, `model download failed: ${id}: ${err.message}`);
    logger.debug({ err, id }, 'model download failed (detail)');
  } else {
    logger.warn({ err, id }, 'model download failed');
  }
}
