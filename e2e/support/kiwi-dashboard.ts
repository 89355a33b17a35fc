import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openDashboard, type OpenedPage, type OpenOptions } from './browser.ts';
import { startKiwiServer, type KiwiServer, type ServerOptions } from './kiwi-server.ts';

export interface KiwiDashboard {
  kiwi: KiwiServer;
  ui: OpenedPage;
  /** Its own models folder (KIWI_MODELS_DIR), with `models` in the setup. */
  modelsDir?: string;
  /** Close the page, stop Kiwi and delete its data (and its own models folder). */
  close(): Promise<void>;
}

export interface DashboardSetup extends ServerOptions {
  /**
   * Models of its own, in a temporary folder deleted on close: KIWI_MODELS_DIR is an empty folder
   * there (`prepare` places files in it before Kiwi starts); with `catalog`, KIWI_CATALOG is a
   * file holding it.
   */
  models?: { catalog?: unknown; prepare?: (modelsDir: string) => Promise<unknown> | void };
  /** How the browser opens the dashboard (its arguments, the console errors provoked on purpose). */
  page?: OpenOptions;
  /** What to wait for once the page is open (e.g. the engine idle). */
  ready?: (ui: OpenedPage) => Promise<unknown>;
}

/** A real `kiwi serve` and the dashboard open on it. A step that fails closes what the earlier ones started. */
export async function openKiwiDashboard(setup: DashboardSetup): Promise<KiwiDashboard> {
  const { models, page, ready, ...server } = setup;
  // Closed newest first: the page, then Kiwi, then the folder it read its models from.
  const opened: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const closeOne of opened.splice(0).reverse()) await closeOne();
  };
  try {
    const own: Partial<Awaited<ReturnType<typeof ownModels>>> = models ? await ownModels(setup.name, models, opened) : {};
    const kiwi = await startKiwiServer({ ...server, env: { ...server.env, ...own } });
    opened.push(() => kiwi.cleanup());
    const ui = await openDashboard(kiwi.url, page);
    opened.push(() => ui.close());
    await ready?.(ui);
    return { kiwi, ui, modelsDir: own.KIWI_MODELS_DIR, close };
  } catch (err) {
    await close();
    throw err;
  }
}

async function ownModels(name: string, models: NonNullable<DashboardSetup['models']>, opened: Array<() => Promise<void>>): Promise<{ KIWI_MODELS_DIR: string; KIWI_CATALOG?: string }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `kiwi-e2e-${name}-`));
  opened.push(() => fs.rm(dir, { recursive: true, force: true }));
  const modelsDir = path.join(dir, 'models');
  await fs.mkdir(modelsDir);
  await models.prepare?.(modelsDir);
  if (models.catalog === undefined) return { KIWI_MODELS_DIR: modelsDir };
  const catalogFile = path.join(dir, 'catalog.json');
  await fs.writeFile(catalogFile, JSON.stringify(models.catalog));
  return { KIWI_MODELS_DIR: modelsDir, KIWI_CATALOG: catalogFile };
}
