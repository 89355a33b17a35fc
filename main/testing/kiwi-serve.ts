import { spawn, type ChildProcess, type ChildProcessByStdio } from 'node:child_process';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { appRoot } from '../platform/paths.ts';

/**
 * Helpers for tests and benches that run `kiwi serve` as its own process (the browser tests, the
 * signal tests, the benches): the environment it gets, and the moment it says it is listening.
 * (A port for it: main/testing/free-port.ts.)
 */

/**
 * `kiwi serve` as the package's `kiwi` bin runs it: one Node process with tsx's loader inside.
 * Not the tsx CLI, whose wrapper process relays signals through a 30 ms handshake with its child:
 * on a loaded machine a SIGTERM then ends the wrapper with 143 while Kiwi is still stopping.
 */
export function spawnKiwiServe(env: NodeJS.ProcessEnv): ChildProcessByStdio<null, Readable, Readable> {
  return spawn(process.execPath, [path.join(appRoot, 'bin', 'kiwi.mjs'), 'serve'], { cwd: appRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The test machine's own microphone and speaker stay out (env wins over config.yaml's audio.*). */
export const NO_SOUND_DEVICES = { KIWI_AUDIO_INPUT: 'none', KIWI_AUDIO_OUTPUT: 'none' };

/**
 * `kiwi serve`'s environment in a test: its own data folder, loopback only, no model downloads,
 * info logs (the "listening" line is one). `extra` comes last and wins.
 */
export function kiwiServeEnv(dataDir: string, port: number, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    KIWI_DATA_DIR: dataDir,
    KIWI_HOST: '127.0.0.1',
    KIWI_PORT: String(port),
    KIWI_LOG_LEVEL: 'info',
    KIWI_AUTO_DOWNLOAD_MODELS: 'false', // tests never reach for the internet; they install from local files
    ...extra,
  };
}

export interface Listening {
  url: string;
  /** The server's own pid (npm and npx start it through a chain of processes). */
  pid: number;
}

/**
 * Resolves once the spawned `kiwi serve` logs "Kiwi is listening on …"; rejects if it exits first
 * or after `timeoutMs`. Every chunk of its stdout and stderr (piped) goes on to `onOutput`, before
 * and after, for the test's log.
 */
export function whenListening(child: ChildProcess, { timeoutMs, onOutput, hint = '' }: { timeoutMs: number; onOutput?: (chunk: Buffer) => void; hint?: string }): Promise<Listening> {
  return new Promise((resolve, reject) => {
    let seen = '';
    let waiting = true;
    const fail = (why: string) => {
      waiting = false;
      clearTimeout(timer);
      reject(new Error(`kiwi serve ${why}${hint ? `; ${hint}` : ''}\n${seen.slice(-1500)}`));
    };
    const timer = setTimeout(() => fail(`did not start within ${timeoutMs / 1000} s`), timeoutMs);
    const onData = (chunk: Buffer) => {
      onOutput?.(chunk);
      if (!waiting) return;
      seen += chunk.toString();
      const line = seen.split('\n').slice(0, -1).find((l) => l.includes('Kiwi is listening on')); // whole lines only
      if (!line) return;
      waiting = false;
      clearTimeout(timer);
      const { pid, url } = JSON.parse(line) as Listening;
      resolve({ pid, url });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => waiting && fail(`exited (${code}) before listening`));
  });
}
