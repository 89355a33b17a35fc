import { spawn } from 'node:child_process';
import { appRoot } from '../platform/paths.ts';

export interface KillWriterOptions {
  /** Each whole line the writer prints on stdout. */
  onLine(line: string): void;
  /** Checked after each stdout chunk: true kills the writer. */
  killWhen(): boolean;
  timeoutMs: number;
  /** How far the writer got, for the error when it does not get there in time. */
  progress(): string;
}

/**
 * Durability tests: run a writer script and SIGKILL it in the middle of its work. It runs as
 * `node --import tsx` (not the tsx CLI, which runs the script in a second process) so that SIGKILL
 * hits the very process that writes. Resolves once it is dead; rejects if it exits by itself or
 * is not killed within `timeoutMs`.
 */
export function runThenKill(script: string, args: readonly string[], options: KillWriterOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: appRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let buffer = '';
    let stderr = '';
    let killed = false;
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`writer not killed within ${options.timeoutMs} ms (${options.progress()}); stderr: ${stderr}`));
    }, options.timeoutMs);
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) options.onLine(line);
      if (!killed && options.killWhen()) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(guard);
      if (!killed) reject(new Error(`writer exited by itself (${code ?? signal}): ${stderr}`));
      else resolve();
    });
  });
}
