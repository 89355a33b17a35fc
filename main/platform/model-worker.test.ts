import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
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
});
