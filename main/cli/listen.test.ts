import { execFile } from 'node:child_process';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { writeWav } from '../engine/audio/wav.ts';
import { KiwiError } from '../platform/errors.ts';
import { appRoot } from '../platform/paths.ts';
import { UsageError } from './command.ts';
import { listenCommand } from './listen.ts';

describe('kiwi listen arguments', () => {
  it('takes the WAV file with --input or on its own: a named file is read (here it does not exist)', async () => {
    await expect(listenCommand.run(['/nonexistent/cmd.wav'])).rejects.toThrow(/\/nonexistent\/cmd\.wav/);
    await expect(listenCommand.run(['--input', '/nonexistent/cmd.wav'])).rejects.toThrow(/\/nonexistent\/cmd\.wav/);
    await expect(listenCommand.run(['/nonexistent/cmd.wav'])).rejects.not.toBeInstanceOf(UsageError);
  });

  it('says how to name the file when there is none, and refuses two', async () => {
    await expect(listenCommand.run([])).rejects.toThrow(new UsageError('name the WAV file to listen to: kiwi listen cmd.wav (or --input cmd.wav)'));
    await expect(listenCommand.run(['a.wav', 'b.wav'])).rejects.toThrow(/one input file, please \(got a\.wav, b\.wav\)/);
    await expect(listenCommand.run(['--input', 'a.wav', 'b.wav'])).rejects.toBeInstanceOf(UsageError);
  });

  it('takes -o for --output, as say does', async () => {
    await expect(listenCommand.run(['/nonexistent/cmd.wav', '-o', 'r.wav'])).rejects.toThrow(/\/nonexistent\/cmd\.wav/);
  });

  it('refuses an --output it could not write before it listens: missing folder, a file as folder', async () => {
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'kiwi-listen-'));
    try {
      const input = path.join(dir, 'cmd.wav');
      await writeWav(input, { samples: new Float32Array(1600), sampleRate: 16000 });
      await expect(listenCommand.run([input, '--output', path.join(dir, 'no', 'r.wav')])).rejects.toThrow(/the folder .*no does not exist/);
      await expect(listenCommand.run([input, '--output', path.join(input, 'r.wav')])).rejects.toThrow(/is a file, not a folder/);
    } finally {
      await fsp.rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a WAV file with no samples before it loads anything (it printed nothing and exited 0)', async () => {
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'kiwi-listen-'));
    const saved = { ...process.env };
    // Should it get as far as starting Kiwi, it starts in this folder, with no models and no downloads.
    Object.assign(process.env, { KIWI_DATA_DIR: dir, KIWI_MODELS_DIR: dir, KIWI_CONFIG: path.join(dir, 'config.yaml'), KIWI_AUTO_DOWNLOAD_MODELS: 'false', KIWI_LOG_LEVEL: 'silent' });
    try {
      const input = path.join(dir, 'empty.wav');
      await writeWav(input, { samples: new Float32Array(0), sampleRate: 16000 });
      await expect(listenCommand.run([input])).rejects.toThrow(new KiwiError('no_audio', `${input} holds no audio (a WAV header and no samples)`));
    } finally {
      process.env = saved;
      await fsp.rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a folder for --output before it listens', async () => {
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'kiwi-listen-'));
    try {
      const input = path.join(dir, 'cmd.wav');
      await writeWav(input, { samples: new Float32Array(1600), sampleRate: 16000 });
      await expect(listenCommand.run([input, '--output', dir])).rejects.toThrow(new UsageError(`--output ${dir} is a folder: name the WAV file to write, e.g. ${path.join(dir, 'reply.wav')}`));
    } finally {
      await fsp.rm(dir, { recursive: true, force: true });
    }
  });
});

/** `kiwi ...` as a user runs it: a separate process, its exit code and output. */
async function kiwi(args: string[]): Promise<{ code: number; stderr: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('KIWI_')));
  const run = promisify(execFile);
  try {
    const { stderr } = await run(path.join(appRoot, 'node_modules', '.bin', 'tsx'), [path.join(appRoot, 'main/cli/main.ts'), ...args], { env, cwd: appRoot });
    return { code: 0, stderr };
  } catch (err) {
    const e = err as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
}

describe('kiwi listen with a mistyped flag', () => {
  it.each([
    [['listen', '--bogus', 'a.wav'], "kiwi listen: unknown option '--bogus'"],
    [['listen', '--input'], 'kiwi listen: --input needs a value'],
    [['listen', '--json=yes', 'a.wav'], 'kiwi listen: --json takes no value'],
  ])('%j exits 2 with the message and the usage (was 70 with Node\'s own message)', async (args, message) => {
    const { code, stderr } = await kiwi(args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(stderr).toContain('Usage: kiwi listen');
  }, 30_000);
});
