// Entry of the GE2E worker thread when Kiwi runs from source (tsx, vitest): worker threads do
// not inherit an in-process TypeScript loader, so register tsx's here, then load the real module.
// The desktop build compiles ge2e-worker-thread.ts to a ge2e-worker.mjs of its own.
import { register } from 'tsx/esm/api';

register();
await import('./ge2e-worker-thread.ts');
