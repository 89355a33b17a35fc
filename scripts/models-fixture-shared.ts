import fs from 'node:fs/promises';
import path from 'node:path';
import { appRoot } from '../main/platform/paths.ts';
import { KiwiError } from '../main/platform/errors.ts';
import { sha256File } from '../main/engine/models/sha256.ts';
import type { FixturePackage } from './models-fixture-manifest.ts';

/**
 * The project's shared model folder: ../shared/models beside the repository (where CI lays it),
 * or KIWI_SHARED_MODELS_DIR. Models there are never downloaded; they are checked instead.
 */
export function sharedModelsDir(): string {
  return path.resolve(process.env.KIWI_SHARED_MODELS_DIR ?? path.join(appRoot, '..', 'shared', 'models'));
}

/**
 * A `shared` fixture package: its folder, after checking that its SHA256SUMS is the one the
 * manifest pins and that every file it lists has that sha256. Files are read in place.
 */
export async function sharedPackage(pkg: FixturePackage): Promise<string> {
  const dir = path.join(sharedModelsDir(), pkg.name);
  const sums = path.join(dir, 'SHA256SUMS');
  const pinned = await sha256File(sums).catch((err: NodeJS.ErrnoException) => {
    throw new KiwiError('fixture_fetch_failed', `the shared model ${pkg.name} is not at ${dir} (${err.code ?? err.message}); set KIWI_SHARED_MODELS_DIR to the folder that holds it`);
  });
  if (pinned !== pkg.sha256) {
    throw new KiwiError('fixture_checksum_mismatch', `${sums} has sha256 ${pinned}, the manifest pins ${pkg.sha256}`);
  }
  for (const line of (await fs.readFile(sums, 'utf8')).split('\n')) {
    const match = /^([0-9a-f]{64}) [ *](.+)$/.exec(line.trim());
    if (!match) continue;
    const [, expected, rel] = match as unknown as [string, string, string];
    const actual = await sha256File(path.join(dir, rel));
    if (actual !== expected) throw new KiwiError('fixture_checksum_mismatch', `${path.join(dir, rel)} has sha256 ${actual}, SHA256SUMS says ${expected}`);
  }
  return dir;
}
