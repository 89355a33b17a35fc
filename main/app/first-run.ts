import type { z } from 'zod';
import type { ModelInfo, SetupPlan } from '../contract/api.ts';
import type { Config } from '../contract/config.ts';
import type { Catalog } from '../engine/models/catalog-schema.ts';
import { recommendModels } from '../engine/recommend.ts';

interface FirstRunDeps {
  config: () => Config;
  catalog: () => Promise<Catalog>;
  modelsDir: () => string;
  /** The catalog listing with installed/downloading (the models API's rows). */
  listModels: () => Promise<Array<z.input<typeof ModelInfo>>>;
  /** Download these models and rebuild the stages waiting for them. */
  install: (ids: string[]) => Promise<unknown>;
}

/**
 * The first-run setup the dashboard walks a new user through: which models the configured
 * language needs (the ones `auto` would pick), what is already installed, and one call that
 * downloads the rest.
 */
export class FirstRunSetup {
  constructor(private readonly deps: FirstRunDeps) {}

  async plan(): Promise<z.input<typeof SetupPlan>> {
    const config = this.deps.config();
    const [stages, listing] = await Promise.all([
      recommendModels(config, { catalog: await this.deps.catalog(), modelsDir: this.deps.modelsDir() }),
      this.deps.listModels(),
    ]);
    const rows = stages.map(({ stage, ready, model }) => ({
      stage,
      ready,
      model: (model && listing.find((m) => m.id === model.id)) ?? null,
    }));
    const download_bytes = rows.reduce((sum, r) => sum + (r.model && !r.model.installed ? r.model.size_bytes : 0), 0);
    return { language: config.language, stages: rows, download_bytes };
  }

  /** Start downloading every recommended model not installed yet (joining ones already under way). */
  async download(): Promise<{ status: 'downloading'; ids: string[]; bytes: number }> {
    const plan = await this.plan();
    const wanted = plan.stages.flatMap((s) => (s.model && !s.model.installed ? [s.model.id] : []));
    const ids = [...new Set(wanted)];
    if (ids.length > 0) await this.deps.install(ids);
    return { status: 'downloading', ids, bytes: plan.download_bytes };
  }
}
