import fs from 'node:fs/promises';
import path from 'node:path';

/** One `kiwi <name>` sub-command. `run` resolves to the process exit code. */
export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  run(argv: string[]): Promise<number>;
}

/** Thrown for wrong arguments: the CLI prints the message and the command's usage, exit 2. */
export class UsageError extends Error {}

/** --output names a WAV file to write: an existing folder is refused before any work is done. */
export async function checkOutputFile(file: string): Promise<void> {
  const stat = await fs.stat(file).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null; // a new file: written at the end
    throw err;
  });
  if (stat?.isDirectory()) throw new UsageError(`--output ${file} is a folder: name the WAV file to write, e.g. ${path.join(file, 'reply.wav')}`);
}
