// Source-mode start of a model worker thread (Whisper, Piper, GE2E): its TypeScript module is
// bundled by esbuild into one plain module and imported. Registering tsx's loader in the worker
// instead gave every worker a loader-hooks thread of its own: ~12 MB more per worker (measured,
// GE2E worker: +46 MB against +58). The desktop build bundles the same entries ahead of time
// (scripts/build.mjs); this does it when a worker starts, so source changes are always picked up.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { threadId } from 'node:worker_threads';
import { build, stop } from 'esbuild';

const appRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// Two levels below the app root, like dist/desktop: a bundled module that finds files from its
// own URL (platform/paths.ts) finds them from here too, and packages resolve from node_modules.
const outDir = path.join(appRoot, 'node_modules', '.kiwi-workers');

/** Bundle the worker module at `entry` (a .ts file URL) and run it. */
export async function runCompiled(entry) {
  const source = fileURLToPath(entry);
  let code;
  try {
    const result = await build({ entryPoints: [source], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', write: false, logLevel: 'silent' });
    code = result.outputFiles[0].text;
  } finally {
    await stop(); // esbuild's service process is not needed once the bundle exists
  }
  const name = path.basename(source, '.ts');
  const file = path.join(outDir, `${name}-${crypto.createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`);
  try {
    if (!fs.existsSync(file)) {
      fs.mkdirSync(outDir, { recursive: true });
      // Several processes may start the same worker at once: each writes its own file, then renames.
      const partial = `${file}.${process.pid}-${threadId}.partial`;
      fs.writeFileSync(partial, code);
      fs.renameSync(partial, file);
      removeOldBundles(name, file);
    }
  } catch (err) {
    if (!['EACCES', 'EPERM', 'EROFS'].includes(err?.code)) throw err;
    // A read-only install: tsx's loader still runs the module, at the memory cost above.
    process.emitWarning(`worker bundles cannot be written to ${outDir} (${err.code}); loading ${name} through tsx`);
    const { register } = await import('tsx/esm/api');
    register();
    await import(entry.href);
    return;
  }
  await import(pathToFileURL(file).href);
}

/** Bundles of earlier sources of this worker, an hour old or more (a process started just now may still import a newer one). */
function removeOldBundles(name, current) {
  const hourAgo = Date.now() - 3_600_000;
  for (const entry of fs.readdirSync(outDir)) {
    const file = path.join(outDir, entry);
    if (file === current || !entry.startsWith(`${name}-`) || !entry.endsWith('.mjs')) continue;
    if (fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs < hourAgo) fs.rmSync(file, { force: true });
  }
}
