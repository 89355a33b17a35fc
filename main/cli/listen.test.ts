import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeWav } from '../engine/audio/wav.ts';
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
