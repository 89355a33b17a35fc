// Entry of the Whisper worker thread when Kiwi runs from source (tsx, vitest): the thread module is
// bundled by esbuild and run (platform/worker-entry.mjs says why not tsx's loader here).
// The desktop build compiles whisper-worker-thread.ts to a whisper-worker.mjs of its own.
import { runCompiled } from '../../../platform/worker-entry.mjs';

await runCompiled(new URL('./whisper-worker-thread.ts', import.meta.url));
