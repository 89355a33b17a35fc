import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KiwiError } from '../platform/errors.ts';
import { abortOnCtrlC, checkOutputFile, exitCodeFor, parseFlags, UsageError } from './command.ts';

describe('parseFlags: a mistyped flag is a usage error (exit 2), said briefly', () => {
  const options = { input: { type: 'string' }, output: { type: 'string', short: 'o' }, json: { type: 'boolean' } } as const;

  it.each([
    [['--bogus', 'a.wav'], "unknown option '--bogus'"],
    [['--input'], '--input needs a value'],
    [['-o'], '--output needs a value'],
    [['--json=yes', 'a.wav'], '--json takes no value: write --json on its own'],
  ])('%j → %s', (args, message) => {
    expect(() => parseFlags(args, options)).toThrow(new UsageError(message));
  });

  it('refuses stray words when a command takes none', () => {
    expect(() => parseFlags(['extra'], {}, { positionals: false })).toThrow(new UsageError("unexpected argument 'extra'"));
  });

  it('reads the flags it knows, short ones included', () => {
    expect(parseFlags(['a.wav', '-o', 'r.wav', '--json'], options)).toEqual({ values: { output: 'r.wav', json: true }, positionals: ['a.wav'] });
  });
});

describe('checkOutputFile: an --output that cannot be written is refused before any work', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'kiwi-output-'));
  });
  afterEach(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('takes a new file or an existing one in a folder it can write, and leaves nothing behind', async () => {
    await checkOutputFile(path.join(dir, 'new.wav'));
    await fsp.writeFile(path.join(dir, 'old.wav'), 'x');
    await checkOutputFile(path.join(dir, 'old.wav'));
    expect((await fsp.readdir(dir)).sort()).toEqual(['old.wav']);
  });

  it('refuses a missing folder instead of creating it', async () => {
    const file = path.join(dir, 'no', 'such', 'r.wav');
    await expect(checkOutputFile(file)).rejects.toThrow(new UsageError(`--output ${file}: the folder ${path.join(dir, 'no', 'such')} does not exist (create it first)`));
    expect(await fsp.readdir(dir)).toEqual([]);
  });

  it('refuses a file used as a folder', async () => {
    const wav = path.join(dir, 'a.wav');
    await fsp.writeFile(wav, 'x');
    await expect(checkOutputFile(path.join(wav, 'r.wav'))).rejects.toThrow(new UsageError(`--output ${path.join(wav, 'r.wav')}: a part of ${path.join(wav, 'r.wav')} is a file, not a folder`));
    await expect(checkOutputFile(path.join(wav, 'sub', 'r.wav'))).rejects.toBeInstanceOf(UsageError);
  });

  it.skipIf(process.platform !== 'linux')('refuses a folder where no file can be created (/proc), and a device', async () => {
    await expect(checkOutputFile('/proc/r.wav')).rejects.toThrow(new UsageError('--output /proc/r.wav: cannot create files in /proc (ENOENT)'));
    await expect(checkOutputFile('/dev/null')).rejects.toThrow(new UsageError('--output /dev/null exists and is not a regular file'));
  });

  it.skipIf(process.platform === 'win32' || process.getuid?.() === 0)('refuses a read-only folder', async () => {
    await fsp.chmod(dir, 0o555);
    try {
      await expect(checkOutputFile(path.join(dir, 'r.wav'))).rejects.toThrow(new UsageError(`--output ${path.join(dir, 'r.wav')}: cannot create files in ${dir} (EACCES)`));
    } finally {
      await fsp.chmod(dir, 0o755);
    }
  });
});

describe('Ctrl-C', () => {
  it('aborts the command with the interrupted error, which exits 130', () => {
    const before = process.listeners('SIGINT');
    const { signal, dispose } = abortOnCtrlC();
    const ours = process.listeners('SIGINT').find((l) => !before.includes(l))!;
    ours('SIGINT');
    dispose();
    expect(signal.reason).toMatchObject({ code: 'interrupted' });
    expect(exitCodeFor(signal.reason)).toBe(130);
    expect(process.listeners('SIGINT')).toEqual(before);
  });

  it('other errors: 1 when Kiwi explains them, 70 for bugs', () => {
    expect(exitCodeFor(new KiwiError('models_offline', 'offline', 503))).toBe(1);
    expect(exitCodeFor(new TypeError('x is undefined'))).toBe(70);
  });
});
