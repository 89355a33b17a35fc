import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findExecutable, firstExecutable, runProcess } from './processes.ts';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false; // ESRCH: the process is gone, which is the answer
  }
};

async function waitFor(check: () => boolean | Promise<boolean>, ms = 2000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return check();
}

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
    expect(await waitFor(() => fsp.access(pidFile).then(() => true, () => false))).toBe(true);
    const pid = Number((await fsp.readFile(pidFile, 'utf8')).trim());
    expect(alive(pid)).toBe(true);
    const started = performance.now();
    controller.abort(new Error('stop now'));
    await expect(pending).rejects.toThrow('stop now');
    expect(performance.now() - started).toBeLessThan(1000); // the process would have run for 30 s
    expect(await waitFor(() => !alive(pid))).toBe(true);
  });
});
