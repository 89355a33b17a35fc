import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { joinParts } from './models-fixture-convert.ts';

describe('joinParts (a model file published in parts across packages)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiwi-parts-'));
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it('joins part1, part2, … part10 in numeric order and drops the parts', async () => {
    for (let i = 1; i <= 10; i += 1) await fs.writeFile(path.join(dir, `model.bin.part${i}`), `<${i}>`);
    await joinParts(path.join(dir, 'model.bin'));
    expect(await fs.readFile(path.join(dir, 'model.bin'), 'utf8')).toBe('<1><2><3><4><5><6><7><8><9><10>');
    expect(await fs.readdir(dir)).toEqual(['model.bin']);
  });

  it('leaves a file published whole alone', async () => {
    await fs.writeFile(path.join(dir, 'model.bin'), 'whole');
    await joinParts(path.join(dir, 'model.bin'));
    expect(await fs.readFile(path.join(dir, 'model.bin'), 'utf8')).toBe('whole');
  });

  it('refuses a missing part instead of writing a broken model', async () => {
    await fs.writeFile(path.join(dir, 'model.bin.part1'), 'a');
    await fs.writeFile(path.join(dir, 'model.bin.part3'), 'c');
    await expect(joinParts(path.join(dir, 'model.bin'))).rejects.toMatchObject({ code: 'fixture_convert_failed' });
    expect((await fs.readdir(dir)).sort()).toEqual(['model.bin.part1', 'model.bin.part3']);
  });

  it('keeps a model already there and leaves nothing half-joined beside it', async () => {
    await fs.writeFile(path.join(dir, 'model.bin'), 'earlier');
    await fs.writeFile(path.join(dir, 'model.bin.part1'), 'a');
    await expect(joinParts(path.join(dir, 'model.bin'))).rejects.toMatchObject({ code: 'EEXIST' });
    expect(await fs.readFile(path.join(dir, 'model.bin'), 'utf8')).toBe('earlier');
    expect((await fs.readdir(dir)).sort()).toEqual(['model.bin', 'model.bin.part1']);
  });
});
