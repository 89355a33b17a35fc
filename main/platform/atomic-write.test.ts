import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { writeFileAtomic } from './atomic-write.ts';

describe('writeFileAtomic', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiwi-atomic-'));
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('replaces the file, making its folder if needed', async () => {
    const file = path.join(dir, 'sub', 'config.json');
    await writeFileAtomic(file, 'one');
    await writeFileAtomic(file, 'two');
    expect(await fs.readFile(file, 'utf8')).toBe('two');
    expect(await fs.readdir(path.dirname(file))).toEqual(['config.json']);
  });

  it('writes to one path in the order they were asked for', async () => {
    const file = path.join(dir, 'a.txt');
    await Promise.all(['1', '2', '3'].map((text) => writeFileAtomic(file, text)));
    expect(await fs.readFile(file, 'utf8')).toBe('3');
  });

  it('a disk that fills up mid-write keeps the old file and leaves no temp file behind', async () => {
    const file = path.join(dir, 'kiwi.json');
    await writeFileAtomic(file, 'old');
    const probe = await fs.open(file, 'r');
    const handleProto = Object.getPrototypeOf(probe) as { writeFile: (data: unknown) => Promise<void> };
    await probe.close();
    vi.spyOn(handleProto, 'writeFile').mockRejectedValueOnce(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }));
    await expect(writeFileAtomic(file, 'new')).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(await fs.readFile(file, 'utf8')).toBe('old');
    expect(await fs.readdir(dir)).toEqual(['kiwi.json']);
    await writeFileAtomic(file, 'new'); // the next write is not blocked by the failed one
    expect(await fs.readFile(file, 'utf8')).toBe('new');
  });
});
