import { KiwiError } from '../errors.ts';
import { ModelWorker } from '../model-worker.ts';

/** A process that uses a model worker once, disposes it and has nothing left to do (as `kiwi enroll` ends). */
const releasedFile = process.argv[2]!;
const { worker } = await ModelWorker.start<Record<string, never>, number, number>(new URL('./test-model-worker.mjs', import.meta.url), { releasedFile }, { name: 'test', code: 'test_failed' });
console.log(await worker.run(21));
worker.dispose(new KiwiError('test_disposed', 'disposed', 503));
