import type { PiperVoiceFiles } from './piper-voice.ts';

/** What PiperTts (main thread) and piper-worker-thread.ts exchange through ModelWorker. */

export interface PiperWorkerInit {
  model: PiperVoiceFiles;
  threads: number;
}

export interface PiperReady {
  sampleRate: number;
  numSpeakers: number;
  voiceNames: string[];
}

/** One sentence to speak; the answer is its audio (the buffer transferred, not copied). */
export interface PiperRequest {
  text: string;
  sid: number;
  speed: number;
}
