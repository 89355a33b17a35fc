import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { kiwiServeEnv, NO_SOUND_DEVICES, whenListening } from '../main/testing/kiwi-serve.ts';

export interface KiwiProcess {
  url: string;
  child: ChildProcess;
  /** The server's own pid, for its RSS: `child` may be the parent that relaunched it (bin/malloc-tuning.mjs). */
  pid: number;
  stop(): Promise<void>;
}

/** Start `kiwi serve` in its own process (so the load generator does not share its event loop). */
export async function startKiwiProcess(env: Record<string, string> = {}): Promise<KiwiProcess> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiwi-bench-'));
  // The package's bin as a user runs it, not npx: SIGTERM must reach the server, not a wrapper that leaves it running.
  // No model downloads and no sound devices: the bench measures the API alone.
  const child = spawn(process.execPath, ['bin/kiwi.mjs', 'serve'], { env: kiwiServeEnv(dataDir, 0, { ...NO_SOUND_DEVICES, ...env }), stdio: ['ignore', 'pipe', 'inherit'] });
  const { url, pid } = await whenListening(child, { timeoutMs: 120_000 });
  return {
    url,
    child,
    pid,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function machine() {
  // The load when the suite started: a figure from a busy machine reads differently from an idle one.
  const loadavg_1m = Math.round(os.loadavg()[0]! * 100) / 100;
  return { cpus: os.cpus().length, cpu_model: os.cpus()[0]?.model ?? 'unknown', memory_gib: Math.round(os.totalmem() / 2 ** 30), node: process.version, loadavg_1m };
}
