import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../testing/free-port.ts';

/**
 * A real Mosquitto broker (Debian's `mosquitto`, installed by .ci/run) on 127.0.0.1 and a free
 * port, for the MQTT tests. `restart` keeps the port, so clients can reconnect to it.
 */
export interface Mosquitto {
  url: string;
  port: number;
  /** Lines of the broker's log (connections, refusals). */
  log: string[];
  stop(): Promise<void>;
  restart(): Promise<void>;
  cleanup(): Promise<void>;
}

/** Debian installs the broker in /usr/sbin, which is not on every user's PATH. */
const MOSQUITTO = existsSync('/usr/sbin/mosquitto') ? '/usr/sbin/mosquitto' : 'mosquitto';

export function mosquittoMissing(): string | null {
  try {
    execFileSync(MOSQUITTO, ['-h'], { stdio: 'ignore' });
  } catch (err) {
    // mosquitto -h exits 3 after printing its help: only a missing binary is a problem.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'mosquitto is not installed (apt-get install -y mosquitto mosquitto-clients)';
  }
  return null;
}

export async function startMosquitto(options: { users?: Record<string, string> } = {}): Promise<Mosquitto> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiwi-mosquitto-'));
  const port = await freePort();
  const lines = [`listener ${port} 127.0.0.1`, 'persistence false'];
  if (process.getuid?.() === 0) lines.push('user root'); // as root it would switch to a user that cannot read the temp folder
  if (options.users) {
    const file = path.join(dir, 'passwords');
    for (const [user, password] of Object.entries(options.users)) {
      execFileSync('mosquitto_passwd', ['-b', ...(await exists(file) ? [] : ['-c']), file, user, password]);
    }
    lines.push('allow_anonymous false', `password_file ${file}`);
  } else {
    lines.push('allow_anonymous true');
  }
  const conf = path.join(dir, 'mosquitto.conf');
  await fs.writeFile(conf, `${lines.join('\n')}\n`);
  const log: string[] = [];
  let child: ChildProcess | null = null;

  const start = () =>
    new Promise<void>((resolve, reject) => {
      const proc = spawn(MOSQUITTO, ['-c', conf, '-v'], { stdio: ['ignore', 'ignore', 'pipe'] });
      child = proc;
      let pending = '';
      proc.stderr!.on('data', (chunk: Buffer) => {
        pending += chunk.toString('utf8');
        const parts = pending.split('\n');
        pending = parts.pop() ?? '';
        for (const line of parts) {
          log.push(line);
          if (/mosquitto version .* running/.test(line)) resolve();
        }
      });
      proc.once('exit', (code) => reject(new Error(`mosquitto exited with ${code}: ${log.slice(-5).join(' | ')}`)));
    });

  const stop = async () => {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
    });
  };

  await start();
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    log,
    stop,
    restart: async () => {
      await stop();
      await start();
    },
    cleanup: async () => {
      await stop();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}
