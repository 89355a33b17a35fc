// Entry of the test worker in slow-release-worker-thread.ts (bundled like the model workers).
import { runCompiled } from '../worker-entry.mjs';

await runCompiled(new URL('./slow-release-worker-thread.ts', import.meta.url));
