// Entry of the Whisper worker thread when Kiwi runs from source (tsx, vitest): worker threads do
// not inherit an in-process TypeScript loader, so register tsx's here, then load the real module.
// The desktop build compiles whisper-worker-thread.ts to a whisper-worker.mjs of its own.
import { register } from 'tsx/esm/api';

register();
await import('./whisper-worker-thread.ts');
