// Entry of the GE2E worker thread when Kiwi runs from source (tsx, vitest): the thread module is
// bundled by esbuild and run (platform/worker-entry.mjs says why not tsx's loader here).
// The desktop build compiles ge2e-worker-thread.ts to a ge2e-worker.mjs of its own.
import { runCompiled } from '../../../platform/worker-entry.mjs';

await runCompiled(new URL('./ge2e-worker-thread.ts', import.meta.url));
