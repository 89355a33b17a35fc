import type { PiperVoiceFiles } from './piper-voice.ts';

/** What PiperTts (main thread) and piper-worker-thread.ts exchange through ModelWorker. */

export interface PiperWorkerInit {
  model: PiperVoiceFiles;
  threads: number;
}

export interface PiperReady {
  /** The voice split before its decoder: 'begin' and 'decode' work. */
  streams: boolean;
  sampleRate: number;
  numSpeakers: number;
  voiceNames: string[];
  /** What the voice runs with that costs something (the worker has no logger: the stage's notes are logged at start). */
  notes: string[];
}

/**
 * 'speak': one sentence, answered with its audio (the buffer transferred, not copied). 'begin':
 * a sentence's latent frames, kept in the worker, answered with their count; 'decode': the audio
 * of a range of them (the range reaching the end frees them).
 */
export type PiperRequest =
  | { type: 'speak'; text: string; sid: number; speed: number }
  | { type: 'begin'; text: string; sid: number; speed: number }
  | { type: 'decode'; utterance: number; from: number; to: number };

export type PiperResult = Float32Array | { utterance: number; frames: number };
