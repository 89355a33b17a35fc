// Entry of the Piper worker thread when Kiwi runs from source (tsx, vitest): worker threads do
// not inherit an in-process TypeScript loader, so register tsx's here, then load the real module.
// The desktop build compiles piper-worker-thread.ts to a piper-worker.mjs of its own.
import { register } from 'tsx/esm/api';

register();
await import('./piper-worker-thread.ts');
