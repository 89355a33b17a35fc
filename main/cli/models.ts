import { findModel, loadCatalog } from '../engine/models/catalog.ts';
import { obtainModel } from '../engine/models/download.ts';
import type { ModelDownloadEvent } from '../engine/models/events.ts';
import { listModels, type ModelListing } from '../engine/models/list.ts';
import { formatBytes, formatProgressBar } from '../engine/models/progress.ts';
import { modelPath, verifyModel } from '../engine/models/verify.ts';
import { modelsDir } from '../platform/paths.ts';
import { runningServers } from '../app/server-registry.ts';
import { describeError } from '../platform/errors.ts';
import { abortOnCtrlC, parseFlags, UsageError, type CliCommand } from './command.ts';
import { askServer } from './server-client.ts';

const usage = `Usage: kiwi models <list|download|verify|path|delete> [options]

  list [--json]                        catalog models and whether each is installed
  download <id...> [--trust-unverified] download, check sha256, unpack and install; a model that is
                                       installed and verifies is left as it is (no network); a Kiwi
                                       server running on this models folder is told, and picks it up
  verify [id...]                       re-check installed files (all installed models by default);
                                       exits 1 when a file is missing or corrupted
  path <id>                            the folder a model is (or would be) installed in
  delete <id...>                       delete installed models and their partial downloads; refused
                                       (exit 1) for a model Kiwi runs on or the config chooses, or
                                       one downloading. With a Kiwi server running on this models
                                       folder it goes through the server's API (KIWI_API_TOKEN
                                       when the server needs a token)

Models live in KIWI_MODELS_DIR (now: ${modelsDir()}). Offline: put the downloaded files in
<models dir>/downloads and run download again.`;

export const modelsCommand: CliCommand = {
  name: 'models',
  summary: 'list, download, verify, locate and delete speech models',
  usage,
  async run(argv) {
    const [sub, ...rest] = argv;
    switch (sub) {
      case 'list':
        return list(rest);
      case 'download':
        return download(rest);
      case 'verify':
        return verify(rest);
      case 'path':
        return pathOf(rest);
      case 'delete':
        // Loaded only here: it reads the stages' engines, which the other sub-commands do not need.
        return (await import('./models-delete.ts')).deleteModels(rest);
      default:
        throw new UsageError(sub ? `unknown sub-command '${sub}'` : 'missing sub-command');
    }
  },
};

function parse(argv: string[], options: Record<string, { type: 'boolean' }> = {}) {
  return parseFlags(argv, options);
}

async function list(argv: string[]): Promise<number> {
  const { values } = parse(argv, { json: { type: 'boolean' } });
  const models = await listModels();
  if (values.json) {
    console.log(JSON.stringify(models, null, 2));
    return 0;
  }
  const rows = models.map((m: ModelListing) => [
    m.installed ? '*' : ' ',
    m.id,
    m.task,
    m.languages.join(','),
    formatBytes(m.size_bytes),
    m.default_for.length ? `default: ${m.default_for.join(',')}` : '',
    m.commercial_use ? m.license : `${m.license} (non-commercial)`,
  ]);
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => r[col]!.length)));
  for (const row of rows) console.log(row.map((cell, col) => cell.padEnd(widths[col]!)).join('  ').trimEnd());
  console.log(`\n* = installed in ${modelsDir()}`);
  return 0;
}

async function download(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { 'trust-unverified': { type: 'boolean' } });
  if (positionals.length === 0) throw new UsageError('name at least one model id');
  const catalog = await loadCatalog();
  positionals.forEach((id) => findModel(catalog, id)); // unknown ids fail before anything downloads
  const { signal, dispose } = abortOnCtrlC();
  try {
    for (const id of positionals) {
      const result = await obtainModel(id, { signal, trustUnverified: values['trust-unverified'] === true, onEvent: drawProgress }).catch((err: unknown) => {
        throw signal.aborted ? signal.reason : err; // Ctrl-C: exit 130, not "download cancelled" (1)
      });
      console.log(result.alreadyInstalled ? `${id}: already installed in ${result.path} (files verified)` : `${id}: installed in ${result.path}`);
      await tellServer(id, values['trust-unverified'] === true);
    }
    return 0;
  } finally {
    dispose();
  }
}

/**
 * A Kiwi server running on this models folder is told of the model (it finds it installed, so it
 * fetches nothing), and a stage waiting for it picks it up without a restart. The download itself
 * is done either way: a server that cannot be told is a note, not a failure.
 */
async function tellServer(id: string, trustUnverified: boolean): Promise<void> {
  const [server] = await runningServers(modelsDir());
  if (!server) return;
  if (!server.url) {
    console.error(`note: ${id} is installed; the Kiwi server (pid ${server.pid}) is still starting and was not told; if it does not use ${id} once it is up, restart it`);
    return;
  }
  await askServer(server, 'POST', `/api/models/${encodeURIComponent(id)}/download`, process.env, { trust_unverified: trustUnverified }).then(
    () => console.log(`${id}: the Kiwi server at ${server.url} picks it up`),
    (err: unknown) => console.error(`note: ${id} is installed, but the running Kiwi server was not told (${describeError(err)}); restart it to use ${id}`),
  );
}

/** A bar redrawn in place on a terminal; a line per 10% otherwise (logs, CI). */
let lastDecile = -1;
function drawProgress(e: ModelDownloadEvent): void {
  const tty = process.stderr.isTTY;
  const { data } = e;
  if (e.event === 'MODEL_DOWNLOAD_PROGRESS') {
    const snap = { bytes: data.bytes ?? 0, total: data.total ?? null, rate_bps: data.rate_bps ?? 0, eta_s: data.eta_s ?? null };
    const line = formatProgressBar(snap, `${data.id} ${data.file ?? ''}`);
    if (tty) {
      process.stderr.write(`\r${line}\x1b[K`);
    } else {
      const decile = snap.total ? Math.floor((10 * snap.bytes) / snap.total) : -1;
      if (decile !== lastDecile) process.stderr.write(`${line}\n`);
      lastDecile = decile;
    }
  } else if (e.event === 'MODEL_DOWNLOAD_STARTED') {
    lastDecile = -1;
    process.stderr.write(`${data.id}: downloading ${data.total ? formatBytes(data.total) : '(size unknown)'}\n`);
  } else if (tty) {
    process.stderr.write('\n');
  }
}

async function verify(argv: string[]): Promise<number> {
  const { positionals } = parse(argv);
  const ids = positionals.length > 0 ? positionals : (await listModels()).filter((m) => m.installed).map((m) => m.id);
  if (ids.length === 0) {
    console.log(`no models installed in ${modelsDir()}`);
    return 0;
  }
  let bad = 0;
  for (const id of ids) {
    const result = await verifyModel(id);
    console.log(`${result.ok ? 'ok  ' : 'BAD '} ${id}`);
    for (const p of result.problems) console.log(`     ${p}`);
    for (const w of result.warnings) console.log(`     note: ${w}`);
    if (!result.ok) bad += 1;
  }
  if (bad > 0) console.error(`${bad} of ${ids.length} model(s) failed verification; run: kiwi models download <id>`);
  return bad > 0 ? 1 : 0;
}

async function pathOf(argv: string[]): Promise<number> {
  const { positionals } = parse(argv);
  const [id, extra] = positionals;
  if (!id || extra) throw new UsageError('name exactly one model id');
  findModel(await loadCatalog(), id);
  const dir = modelPath(id);
  console.log(dir);
  const installed = (await listModels()).find((m) => m.id === id)?.installed;
  if (!installed) console.error(`note: ${id} is not installed; run: kiwi models download ${id}`);
  return 0;
}
