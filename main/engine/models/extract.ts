import { execFile } from 'node:child_process';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { KiwiError } from '../../platform/errors.ts';

const run = promisify(execFile);

export type ArchiveKind = 'tar.bz2' | 'tar.gz' | 'zip';

/**
 * Unpack an archive into `dir` with the system's tools (tar ships with Linux, macOS and
 * Windows 10+; GNU tar cannot read zip, so zip uses unzip there). Returns the folder holding
 * the content: a single top-level folder, as sherpa-onnx's archives have, is stepped into.
 */
export async function extractArchive(file: string, kind: ArchiveKind, dir: string): Promise<string> {
  await fsp.mkdir(dir, { recursive: true });
  const [command, args] = commandFor(kind, file, dir);
  try {
    await run(command, args, { maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    const reason = e.code === 'ENOENT' ? `'${command}' is not installed` : (e.stderr?.trim() || e.message);
    throw new KiwiError('model_extract_failed', `could not unpack ${path.basename(file)}: ${reason}`, 500);
  }
  const entries = await fsp.readdir(dir, { withFileTypes: true });
  if (entries.length === 1 && entries[0]!.isDirectory()) return path.join(dir, entries[0]!.name);
  return dir;
}

function commandFor(kind: ArchiveKind, file: string, dir: string): [string, string[]] {
  switch (kind) {
    case 'tar.bz2':
      return ['tar', ['-xjf', file, '-C', dir]];
    case 'tar.gz':
      return ['tar', ['-xzf', file, '-C', dir]];
    case 'zip':
      return process.platform === 'win32' ? ['tar', ['-xf', file, '-C', dir]] : ['unzip', ['-q', '-o', file, '-d', dir]];
  }
}
