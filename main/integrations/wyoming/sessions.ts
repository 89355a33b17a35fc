import type { WakeWord } from '../../engine/stages.ts';
import { KiwiError, unavailable } from '../../platform/errors.ts';
import { audioEvents, IncomingAudio, STAGE_RATE } from './audio.ts';
import type { WyomingEvent } from './framing.ts';
import type { WyomingStages } from './stages.ts';

/** Longest utterance `transcribe` buffers (HA sends one command at a time; this is generous). */
export const MAX_TRANSCRIBE_S = 120;
/** Longest text one `synthesize` speaks. */
export const MAX_SYNTHESIZE_CHARS = 5000;

type Send = (event: WyomingEvent) => void;

/** `transcribe`, then audio-start / audio-chunk… / audio-stop → one `transcript`. */
export class TranscribeSession {
  readonly #audio = new IncomingAudio();
  readonly #chunks: Float32Array[] = [];
  #samples = 0;

  constructor(
    private readonly stages: WyomingStages,
    private readonly language: string,
  ) {
    if (!stages.stt()) throw unavailable('stt_unavailable', 'Kiwi has no speech recognition model installed');
  }

  start(event: WyomingEvent): void {
    this.#audio.push({ ...event, payload: undefined });
  }

  chunk(event: WyomingEvent): void {
    const samples = this.#audio.push(event);
    this.#samples += samples.length;
    if (this.#samples > MAX_TRANSCRIBE_S * STAGE_RATE) throw new KiwiError('audio_too_long', `transcribe takes at most ${MAX_TRANSCRIBE_S} s of audio`);
    this.#chunks.push(samples);
  }

  async stop(send: Send): Promise<void> {
    const stt = this.stages.stt();
    if (!stt) throw unavailable('stt_unavailable', 'Kiwi has no speech recognition model installed');
    const samples = new Float32Array(this.#samples);
    let at = 0;
    for (const chunk of this.#chunks) {
      samples.set(chunk, at);
      at += chunk.length;
    }
    const transcript = await stt.transcribe({ samples, sampleRate: STAGE_RATE }, { language: this.language });
    send({ type: 'transcript', data: { text: transcript.text, language: transcript.language } });
  }
}

/** `detect`, then a stream of audio: a `detection` each time the wake word ends, `not-detected` at audio-stop if none did. */
export class DetectSession {
  readonly #audio = new IncomingAudio();
  readonly #wake: WakeWord;
  #samples = 0;
  #detected = false;

  constructor(
    stages: WyomingStages,
    private readonly name: string,
  ) {
    const wake = stages.wake();
    if (!wake) throw unavailable('wake_unavailable', 'Kiwi has no acoustic wake word model running (wake_word_engine kws or openwakeword)');
    this.#wake = wake;
  }

  start(event: WyomingEvent): void {
    this.#audio.push({ ...event, payload: undefined });
  }

  async chunk(event: WyomingEvent, send: Send): Promise<void> {
    const samples = this.#audio.push(event);
    this.#samples += samples.length;
    const hit = await this.#wake.accept(samples);
    if (!hit) return;
    this.#detected = true;
    send({ type: 'detection', data: { name: this.name, timestamp: Math.round((this.#samples / STAGE_RATE) * 1000) } });
  }

  stop(send: Send): void {
    if (!this.#detected) send({ type: 'not-detected', data: {} });
    this.dispose();
  }

  dispose(): void {
    this.#wake.dispose();
  }
}

/** `synthesize` {text, voice?{name, speaker, language}} → audio-start, audio-chunks, audio-stop. */
export async function synthesize(stages: WyomingStages, data: Record<string, unknown>, send: Send): Promise<void> {
  const tts = stages.tts();
  if (!tts) throw unavailable('tts_unavailable', 'Kiwi has no voice installed');
  const text = typeof data.text === 'string' ? data.text.trim() : '';
  if (!text) throw new KiwiError('invalid_request', 'synthesize needs a text');
  if (text.length > MAX_SYNTHESIZE_CHARS) throw new KiwiError('invalid_request', `synthesize takes at most ${MAX_SYNTHESIZE_CHARS} characters`);
  const settings = stages.settings();
  const voice = (typeof data.voice === 'object' && data.voice !== null ? data.voice : {}) as Record<string, unknown>;
  // HA names a model's voice as `speaker`; `name` is the model (Kiwi has one running).
  const chosen = typeof voice.speaker === 'string' && voice.speaker ? voice.speaker : settings.voice;
  const language = typeof voice.language === 'string' && /^[a-z]{2}/.test(voice.language) ? voice.language.slice(0, 2) : settings.language;
  const pcm = await tts.synthesize(text, { voice: chosen, speed: settings.speed, language });
  for (const event of audioEvents(pcm)) send(event);
}
