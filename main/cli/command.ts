import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { KiwiError } from '../platform/errors.ts';

/** One `kiwi <name>` sub-command. `run` resolves to the process exit code. */
export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  run(argv: string[]): Promise<number>;
}

/** Thrown for wrong arguments: the CLI prints the message and the command's usage, exit 2. */
export class UsageError extends Error {}

/** The code of the error a command stopped with on Ctrl-C: the CLI exits 130 for it, like a shell does. */
export const INTERRUPTED = 'interrupted';

/** Exit code for an error a command failed with: 130 for Ctrl-C, 1 for errors Kiwi explains, 70 for bugs. */
export function exitCodeFor(err: unknown): number {
  if (!(err instanceof KiwiError)) return 70;
  return err.code === INTERRUPTED ? 130 : 1;
}

type FlagOptions = NonNullable<ParseArgsConfig['options']>;

/**
 * parseArgs in strict mode for every command: a flag it does not know, a missing value or a value
 * on a boolean flag is the user's mistake (exit 2 with the usage), not an internal error (exit 70).
 */
export function parseFlags<const O extends FlagOptions>(args: string[], options: O, { positionals = true } = {}) {
  try {
    return parseArgs({ args, options, allowPositionals: positionals, strict: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (!code.startsWith('ERR_PARSE_ARGS_')) throw err;
    throw new UsageError(plainParseError((err as Error).message));
  }
}

/** Node's parseArgs messages, shortened to what the user needs (the usage follows them). */
function plainParseError(message: string): string {
  const missing = /^Option '(?:-\w, )?(--?[\w-]+) <value>' argument missing/.exec(message);
  if (missing) return `${missing[1]} needs a value`;
  const noValue = /^Option '(?:-\w, )?(--?[\w-]+)' does not take an argument/.exec(message);
  if (noValue) return `${noValue[1]} takes no value: write ${noValue[1]} on its own`;
  const unknown = /^Unknown option '([^']+)'/.exec(message);
  if (unknown) return `unknown option '${unknown[1]}'`;
  const positional = /^Unexpected argument '([^']*)'/.exec(message);
  if (positional) return `unexpected argument '${positional[1]}'`;
  return message;
}

/**
 * Ctrl-C while a command works: its signal aborts with the `interrupted` error (exit 130).
 * Call `dispose` when the work is over so a later Ctrl-C gets Node's default (exit at once).
 */
export function abortOnCtrlC(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const stop = () => controller.abort(new KiwiError(INTERRUPTED, 'interrupted', 130));
  process.once('SIGINT', stop);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', stop) };
}

/**
 * --output names a WAV file to write at the end: everything that would make that write fail is
 * refused before any work is done. A missing folder is refused, not created: a typo in a path
 * should not leave new folders behind.
 */
export async function checkOutputFile(file: string): Promise<void> {
  const stat = await statOrNull(file, `--output ${file}`);
  if (stat?.isDirectory()) throw new UsageError(`--output ${file} is a folder: name the WAV file to write, e.g. ${path.join(file, 'reply.wav')}`);
  // The WAV is written next to the file and renamed over it: that would replace a device or a pipe.
  if (stat && !stat.isFile()) throw new UsageError(`--output ${file} exists and is not a regular file`);
  const dir = path.dirname(path.resolve(file));
  const parent = await statOrNull(dir, `--output ${file}`);
  if (!parent) throw new UsageError(`--output ${file}: the folder ${dir} does not exist (create it first)`);
  if (!parent.isDirectory()) throw new UsageError(`--output ${file}: ${dir} is a file, not a folder`);
  await probeWritable(dir, file);
}

/** A stat that tells "not there" (null) from a path that cannot be looked at. */
async function statOrNull(p: string, what: string) {
  return fs.stat(p).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    if (err.code === 'ENOTDIR') throw new UsageError(`${what}: a part of ${p} is a file, not a folder`);
    throw new UsageError(`${what}: cannot look at ${p} (${err.code ?? err.message})`);
  });
}

/**
 * Create and remove a file where the WAV will go: permission bits alone do not tell (root,
 * read-only mounts, /proc), creating one does.
 */
async function probeWritable(dir: string, file: string): Promise<void> {
  const probe = path.join(dir, `.kiwi-probe-${crypto.randomBytes(4).toString('hex')}.tmp`);
  const handle = await fs.open(probe, 'wx').catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(`--output ${file}: cannot create files in ${dir} (${err.code ?? err.message})`);
  });
  await handle.close();
  await fs.rm(probe, { force: true });
}
