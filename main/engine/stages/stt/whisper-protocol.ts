import type { SerializedError } from '../../../platform/worker-errors.ts';
import type { WhisperLoadOptions } from './whisper-decoder.ts';

/** Messages between OnnxWhisper (main thread) and whisper-worker-thread.ts. */

export interface WhisperWorkerInit extends WhisperLoadOptions {
  dir: string;
  config: Record<string, unknown>;
}

export type ToWhisperWorker =
  | {
      type: 'transcribe';
      id: number;
      /** 16 kHz samples, transferred (not copied) to the worker. */
      samples: Float32Array;
      language: string;
      /** One Int32 the main thread sets to 1 to stop the job at its next decoder step. */
      abort: SharedArrayBuffer;
    }
  | { type: 'dispose' };

export type FromWhisperWorker =
  | { type: 'ready'; languages: string[] }
  | { type: 'result'; id: number; text: string; language: string }
  | { type: 'failed'; id?: number; error: SerializedError }
  | { type: 'disposed' };
