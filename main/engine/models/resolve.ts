import fsp from 'node:fs/promises';
import { KiwiError } from '../../platform/errors.ts';
import type { Catalog, CatalogModel, ModelTask } from './catalog-schema.ts';
import { readManifest, type InstallManifest } from './manifest.ts';
import { requireVerifiedModel } from './require.ts';
import { modelPath } from './verify.ts';

/** A model chosen for a stage, verified and ready to load. */
export interface ResolvedModel {
  id: string;
  dir: string;
  task: ModelTask;
  engine: CatalogModel['engine'];
  languages: string[];
  /** Engine settings from the catalog (file names relative to `dir`, options). */
  config: CatalogModel['config'];
}

export interface Candidate extends Omit<ResolvedModel, 'dir'> {
  default_for: string[];
}

/**
 * The model a stage runs: `want` is a model id, or `auto` for the best installed model for the
 * language (the catalog's default for it, then any model covering it, then a language-independent
 * one). Installed test fixtures that stand in for a catalog model count too. The files are
 * re-verified against their install-time sha256 before use.
 */
export async function resolveModel(
  task: ModelTask,
  want: string,
  language: string,
  opts: { modelsDir: string; catalog: Catalog; engines?: readonly string[] },
): Promise<ResolvedModel> {
  const installed = (await installedModels(opts.modelsDir, opts.catalog)).filter(
    (m) => m.task === task && (!opts.engines || opts.engines.includes(m.engine)),
  );
  const chosen = chooseModel(installed, want, language);
  if (!chosen && want !== 'auto') {
    const known = opts.catalog.models.find((m) => m.id === want);
    if (!known) throw new KiwiError('model_unknown', `No ${task} model '${want}' in the catalog`, 503);
    throw new KiwiError('model_missing', `The ${task} model '${want}' is not installed; run: kiwi models download ${want}`, 503, { install: want });
  }
  if (!chosen) {
    // Only a model this stage's engines can run fixes it (a Piper voice does nothing for tts_provider kokoro): never suggest, or download, another.
    const ofTask = opts.catalog.models.filter((m) => m.task === task);
    const suggestion = pickForLanguage(ofTask.filter((m) => !opts.engines || opts.engines.includes(m.engine)), language);
    const other = suggestion ? undefined : pickForLanguage(ofTask, language);
    const how =
      suggestion ? `run: kiwi models download ${suggestion.id}`
      : other ? `no ${opts.engines?.join('/')} model in the catalog covers it (${other.id} does, on the ${other.engine} engine)`
      : 'none in the catalog covers it';
    throw new KiwiError('model_missing', `No ${task} model for '${language}' is installed in ${opts.modelsDir}; ${how}`, 503, suggestion ? { install: suggestion.id } : undefined);
  }
  const dir = await requireVerifiedModel(chosen.id, { modelsDir: opts.modelsDir, catalog: opts.catalog });
  const { default_for: _unused, ...model } = chosen;
  return { ...model, dir };
}

/** The model `want` names ('auto': the best one for the language) among `models`, if there is one. */
export function chooseModel<T extends Pick<Candidate, 'id' | 'default_for' | 'languages'>>(models: T[], want: string, language: string): T | undefined {
  return want === 'auto' ? pickForLanguage(models, language) : models.find((m) => m.id === want);
}

function pickForLanguage<T extends Pick<Candidate, 'default_for' | 'languages'>>(models: T[], language: string): T | undefined {
  return (
    models.find((m) => m.default_for.includes(language)) ??
    models.find((m) => m.default_for.includes('*')) ??
    models.find((m) => m.languages.includes(language)) ??
    models.find((m) => m.languages.includes('multi'))
  );
}

/** Catalog models with an install manifest, plus installed substitutes, in catalog order. */
export async function installedModels(modelsDir: string, catalog: Catalog): Promise<Candidate[]> {
  const out: Candidate[] = [];
  for (const m of catalog.models) {
    if ('manifest' in (await readManifest(modelPath(m.id, { modelsDir })))) {
      out.push({ id: m.id, task: m.task, engine: m.engine, languages: m.languages, config: m.config, default_for: m.default_for });
    }
  }
  const entries = await fsp.readdir(modelsDir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw new KiwiError(
      'models_dir_unusable',
      `the models folder ${modelsDir} cannot be read (${err.code ?? err.message}): point KIWI_MODELS_DIR at a folder Kiwi can read and write (it is created when missing)`,
      503,
    );
  });
  // Stand-ins in the catalog order of the models they stand for (then by name), not in the
  // file system's order: with tiny.en and a multilingual stand-in both installed, English must
  // get the same one on every machine.
  const rank = (id: string) => {
    const at = catalog.models.findIndex((m) => m.id === id);
    return at < 0 ? catalog.models.length : at;
  };
  const substitutes: Array<{ name: string; sub: NonNullable<InstallManifest['substitute']> }> = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name.startsWith('.') || catalog.models.some((m) => m.id === entry.name)) continue;
    const read = await readManifest(modelPath(entry.name, { modelsDir }));
    const sub = 'manifest' in read ? read.manifest.substitute : undefined;
    if (sub) substitutes.push({ name: entry.name, sub });
  }
  substitutes.sort((a, b) => rank(a.sub.for) - rank(b.sub.for) || a.name.localeCompare(b.name));
  for (const { name, sub } of substitutes) {
    const stands = catalog.models.find((m) => m.id === sub.for);
    out.push({
      id: name,
      task: sub.task,
      engine: sub.engine,
      languages: sub.languages,
      config: sub.config ?? {},
      // A stand-in is the default wherever the model it stands for would be, unless it says otherwise.
      default_for: sub.default_for ?? stands?.default_for ?? [],
    });
  }
  return out;
}
