import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { appRoot } from '../../main/platform/paths.ts';
import { kiwiServeEnv, spawnKiwiServe, whenListening } from '../../main/testing/kiwi-serve.ts';

/**
 * A real `kiwi serve` for the browser tests: its own process (as `npm run serve` runs it), on
 * 127.0.0.1 and a random port, with a temporary KIWI_DATA_DIR. Logs go to e2e/output/<name>.log.
 */
export interface KiwiServer {
  url: string;
  port: number;
  dataDir: string;
  /** REST call with JSON in and out; `token` adds Authorization: Bearer. */
  api<T = unknown>(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; json: T }>;
  /** Stop the process (SIGTERM, then SIGKILL after 5 s). Keeps the data folder for a restart. */
  stop(): Promise<void>;
  /** Start again on the same port and data folder (to test reconnection). */
  restart(): Promise<void>;
  /** Stop and delete the data folder. */
  cleanup(): Promise<void>;
}

export interface ServerOptions {
  name: string;
  config?: Record<string, unknown>;
  env?: Record<string, string>;
  /** Runs on the data folder before Kiwi starts (seed the speaker database, place files). */
  prepare?: (dataDir: string) => Promise<void> | void;
}

export const OUTPUT_DIR = path.join(appRoot, 'e2e', 'output');
/** The real test models (`npm run test:models`); npm test passes their folder in KIWI_TEST_MODELS_DIR. */
export const TEST_MODELS_DIR = process.env.KIWI_TEST_MODELS_DIR ?? path.join(appRoot, '.kiwi-test', 'models');

export async function startKiwiServer(options: ServerOptions): Promise<KiwiServer> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiwi-e2e-'));
  await fs.mkdir(OUTPUT_DIR, { recursive: true });
  if (options.config) await fs.writeFile(path.join(dataDir, 'config.yaml'), YAML.stringify(options.config), { mode: 0o600 });
  await options.prepare?.(dataDir);
  const log = await fs.open(path.join(OUTPUT_DIR, `${options.name}.server.log`), 'w');
  let child: ChildProcess | null = null;
  let port = 0;

  const launch = async () => {
    const proc = spawnKiwiServe(kiwiServeEnv(dataDir, port, options.env));
    child = proc;
    const { url } = await whenListening(proc, { timeoutMs: 60_000, onOutput: (chunk) => void log.write(chunk), hint: `see e2e/output/${options.name}.server.log` });
    port = Number(new URL(url).port);
    return url;
  };

  const stop = async () => {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null) return;
    // 'close', not 'exit': output still in the pipes arrives after 'exit', and the log file is closed next.
    const exited = new Promise((resolve) => proc.once('close', resolve));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };

  const url = await launch();
  const server: KiwiServer = {
    url,
    get port() {
      return port;
    },
    dataDir,
    async api<T>(method: string, p: string, body?: unknown, token?: string) {
      const headers: Record<string, string> = {};
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (token) headers.authorization = `Bearer ${token}`;
      const res = await fetch(`${server.url}${p}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      return { status: res.status, json: (text ? JSON.parse(text) : undefined) as T };
    },
    stop,
    async restart() {
      await stop();
      await launch();
    },
    async cleanup() {
      await stop();
      await log.close();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
  return server;
}
