import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MALLOC_TUNING, RELAUNCHED_BY, tunedEnvironment } from '../../bin/malloc-tuning.mjs';
import { launchers } from '../platform/parent-watch.ts';
import { freePort, portOpen } from '../testing/free-port.ts';
import { kiwiServeEnv, NO_SOUND_DEVICES, spawnKiwiServe, whenListening } from '../testing/kiwi-serve.ts';
import { makeTempDir } from '../testing/kiwi-test-server.ts';
import { pidAlive } from '../testing/pid-alive.ts';

/**
 * `kiwi serve` runs in a child started with glibc malloc settings (bin/malloc-tuning.mjs): glibc
 * reads them only at process start. The parent relays signals and exits as the child did.
 */
describe('the malloc settings the server starts with', () => {
  it('adds Kiwi’s settings and marks the child as relaunched by this process', () => {
    const env = tunedEnvironment({ PATH: '/usr/bin' }, true);
    expect(env).toEqual({ PATH: '/usr/bin', MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072', [RELAUNCHED_BY]: String(process.pid) });
  });

  it('keeps every value the user set', () => {
    expect(tunedEnvironment({ MALLOC_ARENA_MAX: '4' }, true)).toMatchObject({ MALLOC_ARENA_MAX: '4', MALLOC_MMAP_THRESHOLD_: '131072' });
    expect(tunedEnvironment({ ...MALLOC_TUNING, MALLOC_ARENA_MAX: '8' }, true)).toBeNull(); // nothing left to add: no relaunch
  });

  it('does not relaunch twice, off glibc, or when turned off', () => {
    expect(tunedEnvironment({ [RELAUNCHED_BY]: '1234' }, true)).toBeNull();
    expect(tunedEnvironment({}, false)).toBeNull();
    expect(tunedEnvironment({ KIWI_MALLOC_TUNING: 'off' }, true)).toBeNull();
  });

  it('counts the relaunching parent among the processes Kiwi must not outlive, but only its own parent', () => {
    expect(launchers({ [RELAUNCHED_BY]: '42' }, 42)).toBe(1);
    expect(launchers({ [RELAUNCHED_BY]: '42', npm_command: 'run-script' }, 42)).toBe(3); // the relauncher, npm's shell, npm
    expect(launchers({ [RELAUNCHED_BY]: '42' }, 77)).toBe(0); // inherited from a relaunched grandparent (a bench's server)
    expect(launchers({}, 42)).toBe(0); // `nohup kiwi serve &` outlives its shell
  });
});

const environOf = (pid: number) =>
  Object.fromEntries(
    fs
      .readFileSync(`/proc/${pid}/environ`, 'utf8')
      .split('\0')
      .filter(Boolean)
      .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
  );

/** Polls until `done` or `ms` pass; the time it took, or Infinity. */
async function within(ms: number, done: () => Promise<boolean>): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if (await done()) return Date.now() - t0;
    await new Promise((r) => setTimeout(r, 50));
  }
  return Infinity;
}

describe.skipIf(process.platform !== 'linux')('the real `kiwi serve` process', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await makeTempDir('kiwi-malloc-');
  });
  afterAll(async () => {
    await fs.promises.rm(dataDir, { recursive: true, force: true });
  });

  async function serve(extra: Record<string, string> = {}) {
    const port = await freePort();
    const env = kiwiServeEnv(dataDir, port, { ...NO_SOUND_DEVICES, ...extra });
    for (const name of [...Object.keys(MALLOC_TUNING), RELAUNCHED_BY, 'npm_command']) if (!(name in extra)) delete env[name]; // as from a plain shell
    const child = spawnKiwiServe(env);
    let output = '';
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    const { pid } = await whenListening(child, { timeoutMs: 60_000, onOutput: (chunk) => (output += chunk.toString()) });
    const cleanup = () => {
      for (const p of [child.pid!, pid]) if (pidAlive(p)) process.kill(p, 'SIGKILL'); // never leave a server behind
    };
    return { child, pid, port, exit, output: () => output, cleanup };
  }

  it('runs the server in a child whose environment has the settings', async () => {
    const served = await serve();
    try {
      expect(served.pid).not.toBe(served.child.pid);
      expect(environOf(served.pid)).toMatchObject({ ...MALLOC_TUNING, [RELAUNCHED_BY]: String(served.child.pid) });
      served.child.kill('SIGTERM');
      expect(await served.exit).toEqual({ code: 0, signal: null });
      expect(pidAlive(served.pid)).toBe(false);
    } finally {
      served.cleanup();
    }
  }, 90_000);

  it('keeps a value the user set', async () => {
    const served = await serve({ MALLOC_ARENA_MAX: '4' });
    try {
      expect(environOf(served.pid)).toMatchObject({ MALLOC_ARENA_MAX: '4', MALLOC_MMAP_THRESHOLD_: '131072' });
    } finally {
      served.child.kill('SIGTERM');
      await served.exit;
      served.cleanup();
    }
  }, 90_000);

  it('exits the way its child did (a signal the server does not handle ends both)', async () => {
    const served = await serve();
    try {
      served.child.kill('SIGHUP');
      expect(await served.exit).toEqual({ code: null, signal: 'SIGHUP' });
      expect(await within(3000, async () => !pidAlive(served.pid))).toBeLessThan(3000);
    } finally {
      served.cleanup();
    }
  }, 90_000);

  it('the server stops by itself within 3 s and frees its port when its parent is killed outright', async () => {
    const served = await serve();
    try {
      served.child.kill('SIGKILL');
      expect(await within(3000, async () => !pidAlive(served.pid) && !(await portOpen(served.port))), served.output().slice(-1500)).toBeLessThan(3000);
    } finally {
      served.cleanup();
    }
  }, 90_000);
});
