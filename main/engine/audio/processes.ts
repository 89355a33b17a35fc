import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { KiwiError } from '../../platform/errors.ts';

/**
 * The small amount of process plumbing the system voice, speaker and microphone share: finding a
 * program on PATH, and running one with its lifetime tied to an AbortSignal (barge-in must stop
 * sound at once, so an abort kills the process instead of waiting for it).
 */

/** Full path of `name` on PATH (with PATHEXT on Windows), or null. */
export async function findExecutable(name: string, env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  const dirs = (env.PATH ?? env.Path ?? '').split(path.delimiter).filter(Boolean);
  const exts = process.platform === 'win32' ? ['', ...(env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';')] : [''];
  for (const dir of dirs) {
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      // Missing or not executable: try the next candidate; that is what "not found" means here.
      const ok = await fs.access(candidate, fs.constants.X_OK).then(
        () => true,
        () => false,
      );
      if (ok) {
        const stat = await fs.stat(candidate);
        if (stat.isFile()) return candidate;
      }
    }
  }
  return null;
}

/** The first of `names` that is installed, with its path. */
export async function firstExecutable(names: readonly string[], env?: NodeJS.ProcessEnv): Promise<{ name: string; file: string } | null> {
  for (const name of names) {
    const file = await findExecutable(name, env);
    if (file) return { name, file };
  }
  return null;
}

/** Stop a child now. SIGKILL: players and recorders hold no state worth a graceful exit. */
export function killNow(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

export interface RunOptions {
  input?: Uint8Array | string;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  /** Largest stdout kept (bytes); more is an error rather than unbounded memory. */
  maxOutput?: number;
}

/**
 * Run a program to completion: resolves with its stdout; rejects with a KiwiError naming the
 * program and the end of its stderr when it fails, or with the signal's reason when aborted
 * (the process is killed first).
 */
export function runProcess(command: string, args: readonly string[], options: RunOptions = {}): Promise<Buffer> {
  const { signal, maxOutput = 256 * 1024 * 1024 } = options;
  return new Promise<Buffer>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const child = spawn(command, args, { env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    const out: Buffer[] = [];
    let outBytes = 0;
    let err = '';
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = () => {
      killNow(child);
      finish(() => reject(signal!.reason));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > maxOutput) {
        killNow(child);
        finish(() => reject(new KiwiError('process_output_too_large', `${path.basename(command)} wrote more than ${maxOutput} bytes`, 500)));
        return;
      }
      out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err = (err + chunk.toString('utf8')).slice(-2000);
    });
    child.on('error', (e) => finish(() => reject(new KiwiError('process_failed', `cannot run ${command}: ${e.message}`, 500))));
    child.on('close', (code, sig) => {
      if (code === 0) return finish(() => resolve(Buffer.concat(out)));
      const why = code !== null ? `exit code ${code}` : `signal ${sig}`;
      finish(() => reject(new KiwiError('process_failed', `${path.basename(command)} failed (${why})${err.trim() ? `: ${err.trim()}` : ''}`, 500)));
    });
    // EPIPE when the program exits without reading all of its input: the close handler reports it.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}
