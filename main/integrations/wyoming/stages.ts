import type { Stt, Tts, WakeWord } from '../../engine/stages.ts';

/** A model as `describe` shows it. */
export interface DescribedModel {
  id: string;
  languages: string[];
}

/**
 * What the Wyoming server needs from Kiwi: the engine's current STT, TTS and wake stages (they
 * change when the engine is rebuilt, so they are read per request) and the settings they run with.
 */
export interface WyomingStages {
  stt(): Stt | undefined;
  tts(): Tts | undefined;
  /** A fresh acoustic wake detector for one stream (the caller disposes it), or undefined. */
  wake(): WakeWord | undefined;
  settings(): { language: string; voice: string; speed: number; wakeWord: string };
  /** The installed models behind the running stages, with their languages (from the catalog). */
  models(): Promise<{ stt?: DescribedModel; tts?: DescribedModel & { voices: string[] }; wake?: DescribedModel }>;
}
