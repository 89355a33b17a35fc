#!/usr/bin/env node
// The `kiwi` bin of the package: run the TypeScript CLI through tsx's loader. The server runs
// in a child with glibc malloc settings (bin/malloc-tuning.mjs); this process then only waits.
import { relaunchWithMallocTuning } from './malloc-tuning.mjs';

if (!(process.argv[2] === 'serve' && relaunchWithMallocTuning())) {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../main/cli/main.ts');
}
