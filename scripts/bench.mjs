// `npm run bench [suite…]`: bench/run.ts through tsx's loader. The soak runs Kiwi inside this
// process, so it runs with the glibc malloc settings `kiwi serve` gets (bin/malloc-tuning.mjs):
// the bench measures Kiwi as it is deployed. Servers the suites start inherit them.
import { relaunchWithMallocTuning } from '../bin/malloc-tuning.mjs';

if (!relaunchWithMallocTuning()) {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../bench/run.ts');
}
