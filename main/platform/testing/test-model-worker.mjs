// Entry of the test worker in test-model-worker-thread.ts (bundled like the model workers).
import { runCompiled } from '../worker-entry.mjs';

await runCompiled(new URL('./test-model-worker-thread.ts', import.meta.url));
