import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pidAlive as alive } from '../../testing/pid-alive.ts';
import { settledBeforeNextTurn } from '../../testing/settled.ts';
import { findExecutable, firstExecutable, runProcess } from './processes.ts';

describe('process helpers', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'kiwi-proc-'));
  });
  afterAll(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('finds programs on PATH and only executable files', async () => {
    expect(await findExecutable('sh')).toMatch(/\/sh$/);
    await fsp.writeFile(path.join(dir, 'not-exec'), 'x', { mode: 0o644 });
    await fsp.mkdir(path.join(dir, 'a-dir'));
    expect(await findExecutable('not-exec', { PATH: dir })).toBeNull();
    expect(await findExecutable('a-dir', { PATH: dir })).toBeNull();
    expect(await firstExecutable(['kiwi-no-such-program', 'sh'])).toMatchObject({ name: 'sh' });
  });

  it('runs a program with stdin and returns stdout; a failure names it with its stderr', async () => {
    expect((await runProcess('sh', ['-c', 'tr a-z A-Z'], { input: 'kiwi' })).toString()).toBe('KIWI');
    await expect(runProcess('sh', ['-c', 'echo broken >&2; exit 3'])).rejects.toThrow(/sh failed \(exit code 3\): broken/);
    await expect(runProcess('/no/such/program', [])).rejects.toThrow(/cannot run \/no\/such\/program/);
  });

  it('an abort kills the process and rejects with the reason at once', async () => {
    const pidFile = path.join(dir, 'pid');
    const controller = new AbortController();
    const pending = runProcess('sh', ['-c', `echo $$ > ${pidFile}; exec sleep 30`], { signal: controller.signal });
    await expect.poll(() => fsp.readFile(pidFile, 'utf8').catch(() => '')).toMatch(/^\d+\n/);
    const pid = Number(await fsp.readFile(pidFile, 'utf8'));
    expect(alive(pid)).toBe(true);
    controller.abort(new Error('stop now'));
    // At once: in the same turn of the event loop, not when the process ends (it would in 30 s).
    expect(await settledBeforeNextTurn(pending)).toMatchObject({ rejected: { message: 'stop now' } });
    await expect.poll(() => alive(pid)).toBe(false);
  });
});
