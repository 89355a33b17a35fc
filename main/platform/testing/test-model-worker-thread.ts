import fs from 'node:fs/promises';
import { workerData } from 'node:worker_threads';
import { serveModel } from '../model-worker-thread.ts';

/**
 * A model worker for tests. Job n ≥ 0 answers 2n at once; job -1 works in steps, as a model's
 * decoder does, until the caller aborts it (or a minute has passed); job -2 is one native step
 * that never looks at its flag; job -3 answers the jobs started before it. Freeing its
 * "model" takes 300 ms and leaves a file.
 */
const { releasedFile } = workerData as { releasedFile: string };
const started: number[] = [];

await serveModel<Record<string, never>, number, number | number[]>(async () => ({
  ready: {},
  run: async (n, aborted) => {
    if (n === -3) return { result: [...started] };
    started.push(n);
    if (n === -2) return { result: 0 };
    if (n >= 0) return { result: n * 2 };
    let steps = 0;
    for (const until = Date.now() + 60_000; !aborted() && Date.now() < until; steps++) await new Promise((resolve) => setTimeout(resolve, 5));
    return { result: -steps };
  },
  release: async () => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    await fs.writeFile(releasedFile, 'released');
  },
}));
