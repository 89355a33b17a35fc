import fs from 'node:fs/promises';
import { workerData } from 'node:worker_threads';
import { serveModel } from '../model-worker-thread.ts';

/** A model worker for tests: answers jobs at once; freeing its "model" takes 300 ms and leaves a file. */
const { releasedFile } = workerData as { releasedFile: string };

await serveModel<Record<string, never>, number, number>(async () => ({
  ready: {},
  run: async (n) => ({ result: n * 2 }),
  release: async () => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    await fs.writeFile(releasedFile, 'released');
  },
}));
