import type { ExpectedOpening } from '../../stages.ts';
import type { WhisperLoadOptions } from './whisper-decoder.ts';

/** What OnnxWhisper (main thread) and whisper-worker-thread.ts exchange through ModelWorker. */

export interface WhisperWorkerInit extends WhisperLoadOptions {
  dir: string;
  config: Record<string, unknown>;
}

export interface WhisperReady {
  languages: string[];
}

export interface WhisperRequest {
  /** 16 kHz samples, transferred (not copied) to the worker. */
  samples: Float32Array;
  language: string;
  opening?: ExpectedOpening;
}

export interface WhisperResult {
  text: string;
  language: string;
}
