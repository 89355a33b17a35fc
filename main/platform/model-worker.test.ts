import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { KiwiError } from './errors.ts';
import { ModelWorker } from './model-worker.ts';
import { appRoot } from './paths.ts';

const run = promisify(execFile);

describe('a model worker', () => {
  it('keeps the process alive after dispose() until it has freed its model', async () => {
    const released = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kiwi-worker-')), 'released');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', path.join(appRoot, 'main/platform/testing/dispose-and-end.ts'), released], { cwd: appRoot });
    expect(stdout.trim()).toBe('42');
    // The release takes 300 ms after the job: a process that ended at once would not have waited for it.
    expect(fs.readFileSync(released, 'utf8')).toBe('released');
  }, 60_000);

  it("raises an aborted job's flag in the worker, which stops that job and serves the next", async () => {
    const releasedFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kiwi-worker-')), 'released');
    const url = new URL('./testing/test-model-worker.mjs', import.meta.url);
    const { worker } = await ModelWorker.start<Record<string, never>, number, number>(url, { releasedFile }, { name: 'test', code: 'test_failed' });
    const controller = new AbortController();
    const working = worker.run(-1, { signal: controller.signal });
    controller.abort(new Error('the caller gave up'));
    await expect(working).rejects.toThrow('the caller gave up');
    // Jobs run one at a time, and the aborted one would work on for a minute had its flag not reached the worker.
    await expect(worker.run(21)).resolves.toBe(42);
    worker.dispose(new KiwiError('test_disposed', 'disposed', 503));
  }, 30_000);

  it('never starts a job whose caller gave up while it waited behind another (a stopped reply does not delay the next)', async () => {
    const releasedFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kiwi-worker-')), 'released');
    const url = new URL('./testing/test-model-worker.mjs', import.meta.url);
    const { worker } = await ModelWorker.start<Record<string, never>, number, number | number[]>(url, { releasedFile }, { name: 'test', code: 'test_failed' });
    const running = new AbortController();
    const queued = new AbortController();
    const first = worker.run(-1, { signal: running.signal }); // works until aborted
    const waiting = worker.run(-2, { signal: queued.signal }); // queued behind it: a step that cannot be stopped once begun
    queued.abort(new Error('stopped'));
    running.abort(new Error('stopped'));
    await expect(Promise.all([first.catch(String), waiting.catch(String)])).resolves.toEqual(['Error: stopped', 'Error: stopped']);
    await expect(worker.run(21)).resolves.toBe(42);
    // The job given up on while it waited was never started; the next one was.
    const started = await worker.run(-3);
    expect(started).toContain(21);
    expect(started).not.toContain(-2);
    worker.dispose(new KiwiError('test_disposed', 'disposed', 503));
  }, 30_000);
});
