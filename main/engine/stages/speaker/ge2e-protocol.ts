/** What OnnxGe2e (main thread) and ge2e-worker-thread.ts exchange through ModelWorker. */

export interface Ge2eWorkerInit {
  file: string;
  threads: number;
}

export interface Ge2eRequest {
  /** 16 kHz samples, transferred (not copied) to the worker. */
  samples: Float32Array;
}
