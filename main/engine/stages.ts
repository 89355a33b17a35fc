/**
 * The stages of the audio path, each behind a small interface and chosen by name from config.
 * Implementations live in main/engine/stages/<stage>/ and run on sherpa-onnx-node or
 * onnxruntime-node; the engine only ever talks to these interfaces.
 *
 * Inference never blocks the event loop: model calls are async and run on native threads
 * (onnxruntime's session.run, sherpa's *Async methods). Per-frame work that stays synchronous
 * (VAD on 32 ms windows) is small enough to measure as event-loop lag in the bench.
 */

/** Mono PCM, float samples in [-1, 1]. */
export interface Pcm {
  samples: Float32Array;
  sampleRate: number;
}

/** Every stage that holds native resources frees them here; the engine calls it on rebuild. */
interface Disposable {
  dispose(): void;
}

/** A finished stretch of speech as the VAD saw it. */
export interface SpeechSegment extends Pcm {
  /** Index (in 16 kHz samples since the stream started) of the segment's first sample. */
  start: number;
}

export interface Vad extends Disposable {
  readonly name: string;
  /** Feed 16 kHz samples (any length); returns the speech segments that ended in them. */
  accept(samples: Float32Array): SpeechSegment[];
  /** Whether the VAD hears speech right now (for barge-in and SPEECH_STARTED). */
  readonly speaking: boolean;
  /** End of input: returns the segment still open, if any. */
  flush(): SpeechSegment[];
  reset(): void;
  /** A fresh detector on the same model for another input (or a stricter one for barge-in); disposing it keeps the model. */
  fork(threshold: number): Vad;
}

export interface WakeDetection {
  keyword: string;
  /** Engine score in [0, 1]. */
  score: number;
  /** Index (in 16 kHz samples since the stream started) where the detection fired. */
  at: number;
}

/**
 * An acoustic wake-word engine (sherpa keyword spotting, openWakeWord). The `text` engine has
 * no acoustic part: it finds the wake word in transcripts (see stages/wake/text-match.ts).
 */
export interface WakeWord extends Disposable {
  readonly name: string;
  /** Feed 16 kHz samples in stream order; resolves to a detection when the wake word ended in them. */
  accept(samples: Float32Array): Promise<WakeDetection | null>;
  reset(): void;
  /** A fresh detector on the same loaded model for another input (streams keep state); disposing it keeps the model. */
  fork(): WakeWord;
}

export interface Transcript {
  text: string;
  language: string;
}

/** A streaming recognizer session: partial text while someone speaks. */
export interface SttStream {
  /** Feed 16 kHz samples; resolves to the current partial text (or null when it did not change). */
  accept(samples: Float32Array): Promise<string | null>;
  /** End of the utterance: the final text. */
  finish(): Promise<string>;
}

export interface TranscribeOptions {
  language: string;
  signal?: AbortSignal;
  /** The word the speech likely opens with (the wake word the spotter heard); recognisers that cannot weigh it ignore it. */
  opening?: ExpectedOpening;
}

/**
 * A word the speech likely opens with: the transcript opens with it, as written here, when the
 * recogniser finds it at least this likely (natural log of the word's probability as the opening)
 * even though its own best guess spelled it otherwise.
 */
export interface ExpectedOpening {
  text: string;
  minLogprob: number;
}

export interface Stt extends Disposable {
  readonly name: string;
  /** The model id it runs (for status, logs and benchmarks). */
  readonly model: string;
  transcribe(audio: Pcm, options: TranscribeOptions): Promise<Transcript>;
  /** Only streaming recognizers (zipformer) have it. */
  createStream?(options: { language: string }): SttStream;
}

export interface SpeakerEmbedder extends Disposable {
  readonly name: string;
  readonly model: string;
  readonly dimension: number;
  embed(audio: Pcm, signal?: AbortSignal): Promise<Float32Array>;
}

export interface TtsOptions {
  voice: string;
  speed: number;
  language: string;
  signal?: AbortSignal;
}

/** What `tts_voice` picks in a model with more than one voice (GET /api/status `voice`, `kiwi say`). */
export interface VoicePick {
  /** The model's voices, in speaker-id order (a number where the model names none). */
  voices: string[];
  /** The voice that speaks. */
  speaking: string;
  /** Set when the voice asked for is not one of them. */
  note: string | null;
}

export interface Tts extends Disposable {
  readonly name: string;
  readonly model: string;
  synthesize(text: string, options: TtsOptions): Promise<Pcm>;
  /** The same audio in pieces as they are made, so playback starts before the whole text is synthesised; a voice without it is spoken whole. */
  stream?(text: string, options: TtsOptions): AsyncIterable<Pcm>;
  /** What the voice runs with that costs something, e.g. a model held in memory where it could not be cut into files (logged at start). */
  readonly notes?: readonly string[];
  /** Which of the model's voices `voice` picks for `language`; null when the model has one voice. */
  pickVoice?(voice: string, language: string): VoicePick | null;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface Llm {
  readonly name: string;
  /** Streams the answer's text as it is written. */
  chat(messages: ChatMessage[], options: { model: string; signal?: AbortSignal }): AsyncIterable<string>;
}

export interface EngineParts {
  vad?: Vad;
  wake?: WakeWord;
  stt?: Stt;
  speaker?: SpeakerEmbedder;
  tts?: Tts;
}

export type PartName = keyof EngineParts;
/** Every audio stage, in build order. */
export const PART_NAMES: readonly PartName[] = ['vad', 'wake', 'stt', 'speaker', 'tts'];
