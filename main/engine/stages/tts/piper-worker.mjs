// Entry of the Piper worker thread when Kiwi runs from source (tsx, vitest): the thread module is
// bundled by esbuild and run (platform/worker-entry.mjs says why not tsx's loader here).
// The desktop build compiles piper-worker-thread.ts to a piper-worker.mjs of its own.
import { runCompiled } from '../../../platform/worker-entry.mjs';

await runCompiled(new URL('./piper-worker-thread.ts', import.meta.url));
