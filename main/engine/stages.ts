/**
 * The stages of the audio path, each behind a small interface and chosen by name from config.
 * The voice-engine work implements them with sherpa-onnx-node / onnxruntime-node; the engine
 * only ever talks to these interfaces.
 */

/** Mono PCM, float samples in [-1, 1]. */
export interface Pcm {
  samples: Float32Array;
  sampleRate: number;
}

export interface Vad {
  readonly name: string;
  /** Feed 16 kHz samples; returns finished speech segments, if any. */
  accept(samples: Float32Array): Pcm[];
  reset(): void;
}

export interface WakeWord {
  readonly name: string;
  /** Feed 16 kHz samples; true when the wake word was heard in them. */
  accept(samples: Float32Array): boolean;
  reset(): void;
}

export interface Stt {
  readonly name: string;
  transcribe(audio: Pcm, options: { language: string; signal?: AbortSignal }): Promise<{ text: string; language: string }>;
}

export interface SpeakerEmbedder {
  readonly name: string;
  embed(audio: Pcm, signal?: AbortSignal): Promise<Float32Array>;
}

export interface Tts {
  readonly name: string;
  synthesize(text: string, options: { voice: string; speed: number; language: string; signal?: AbortSignal }): Promise<Pcm>;
}

export interface Llm {
  readonly name: string;
  /** Streams the answer's text as it is written. */
  chat(messages: Array<{ role: 'system' | 'user' | 'assistant'; content: string }>, options: { model: string; signal?: AbortSignal }): AsyncIterable<string>;
}

export interface EngineParts {
  vad?: Vad;
  wake?: WakeWord;
  stt?: Stt;
  speaker?: SpeakerEmbedder;
  tts?: Tts;
  llm?: Llm;
}

export type PartName = keyof EngineParts;
