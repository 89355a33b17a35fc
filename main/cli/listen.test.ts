import { describe, expect, it } from 'vitest';
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
});
