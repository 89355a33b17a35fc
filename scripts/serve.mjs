// `npm run serve`: build the dashboard if needed, then run `kiwi serve` in THIS process (tsx's
// loader in-process, no tsx CLI wrapper), so a signal meant for Kiwi reaches Kiwi. npm runs
// scripts through `sh -c`, which dies on the SIGTERM npm forwards without passing it on; the
// serve command notices its parent shell is gone and stops (main/cli/serve.ts).
// First, once: a child with glibc malloc settings (bin/malloc-tuning.mjs) runs all of this.
import { relaunchWithMallocTuning } from '../bin/malloc-tuning.mjs';

if (!relaunchWithMallocTuning()) {
  const { ensureRenderer } = await import('./ensure-renderer.mjs');
  const status = ensureRenderer();
  if (status !== 0) process.exit(status);
  process.argv.splice(2, process.argv.length - 2, 'serve', ...process.argv.slice(2));
  const { register } = await import('tsx/esm/api');
  register();
  await import('../main/cli/main.ts');
}
