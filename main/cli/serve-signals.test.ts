import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRoot } from '../platform/paths.ts';
import { freePort, portOpen } from '../testing/free-port.ts';
import { kiwiServeEnv, NO_SOUND_DEVICES, whenListening } from '../testing/kiwi-serve.ts';
import { pidAlive as alive } from '../testing/pid-alive.ts';
import { makeTempDir } from '../testing/kiwi-test-server.ts';

/**
 * `npm run serve` and `npx kiwi serve` as a user or a service manager starts them: SIGTERM to the
 * process they started (npm) stops Kiwi within 3 s and frees its port (npm runs scripts through
 * `sh -c`, which dies on it without passing it on; before the fix the node server kept running).
 * SIGINT is Ctrl-C in a terminal, which signals the whole foreground process group.
 */
describe.skipIf(process.platform === 'win32')('stopping the headless server with a signal', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await makeTempDir('kiwi-signals-');
  });
  afterAll(async () => {
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it.each([
    ['npm run serve', 'SIGTERM to npm'],
    ['npx kiwi serve', 'SIGTERM to npx'],
    ['npm run serve', 'Ctrl-C (SIGINT to the process group)'],
    ['npx kiwi serve', 'Ctrl-C (SIGINT to the process group)'],
  ] as const)('%s, %s: Kiwi stops within 3 s and frees the port', async (line, how) => {
    const [command, ...args] = line.split(' ') as [string, ...string[]];
    const group = how.startsWith('Ctrl-C');
    const port = await freePort();
    const child = spawn(command, command === 'npx' ? ['--no', ...args] : ['-s', ...args], {
      cwd: appRoot,
      env: kiwiServeEnv(dataDir, port, NO_SOUND_DEVICES),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: group, // its own process group, like a terminal's foreground job
    });
    let output = '';
    // 'close': every process holding the pipes (npm, sh, Kiwi) has exited and all output is read
    const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
    const { pid: serverPid } = await whenListening(child, { timeoutMs: 150_000, onOutput: (chunk) => (output += chunk.toString()) });
    expect(serverPid).not.toBe(child.pid); // the server is a child of the chain, not the process we signal
    expect(await portOpen(port)).toBe(true);

    const t0 = Date.now();
    if (group) process.kill(-child.pid!, 'SIGINT');
    else child.kill('SIGTERM');
    let stoppedAfter = Infinity;
    while (Date.now() - t0 < 5000) {
      if (!alive(serverPid) && !(await portOpen(port))) {
        stoppedAfter = Date.now() - t0;
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const tree = alive(serverPid) ? spawnSync('ps', ['-o', 'pid,ppid,stat,etime,cmd', '-p', String(serverPid)], { encoding: 'utf8' }).stdout : '';
    if (alive(serverPid)) process.kill(serverPid, 'SIGKILL'); // never leave a server behind
    expect(stoppedAfter, `${tree}\n${output.slice(-1500)}`).toBeLessThan(3000);
    await closed;
    expect(output).toMatch(/Kiwi stopped/);
  }, 180_000);
});
