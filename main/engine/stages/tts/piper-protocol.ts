import type { SerializedError } from '../../../platform/worker-errors.ts';
import type { PiperVoiceFiles } from './piper-voice.ts';

/** Messages between PiperTts (main thread) and piper-worker-thread.ts. */

export interface PiperWorkerInit {
  model: PiperVoiceFiles;
  threads: number;
}

export type ToPiperWorker = { type: 'speak'; id: number; text: string; sid: number; speed: number } | { type: 'dispose' };

export type FromPiperWorker =
  | { type: 'ready'; sampleRate: number; numSpeakers: number }
  /** The audio's buffer is transferred, not copied. */
  | { type: 'audio'; id: number; samples: Float32Array }
  | { type: 'failed'; id?: number; error: SerializedError }
  | { type: 'disposed' };
