import fsp from 'node:fs/promises';
import { describeError, KiwiError } from '../../../platform/errors.ts';
import { untilAborted } from '../../../platform/until-aborted.ts';
import { sherpa } from '../../sherpa/sherpa-module.ts';
import type { Pcm, Tts, TtsOptions, VoicePick } from '../../stages.ts';
import type { StageFactory } from '../factory.ts';
import { concatWithGaps } from '../../audio/pcm.ts';
import { splitSentences } from './sentences.ts';
import { buildSherpaTtsConfig, type BuiltTtsConfig, type SherpaTtsConfig } from './sherpa-tts-config.ts';
import { chooseSpeaker, pickVoice, readVoiceNames } from './voices.ts';

/** The part of sherpa-onnx-node's OfflineTts Kiwi uses. */
interface SherpaOfflineTts {
  readonly sampleRate: number;
  readonly numSpeakers: number;
  generateAsync(request: { text: string; sid: number; speed: number; enableExternalBuffer?: boolean }): Promise<{
    samples: Float32Array;
    sampleRate: number;
  }>;
}
interface SherpaTtsModule {
  OfflineTts: { createAsync(config: SherpaTtsConfig): Promise<SherpaOfflineTts> };
}

const SENTENCE_GAP_S = 0.12; // a breath between sentences synthesized separately
/**
 * Longest text per model run. onnxruntime's memory arena inside sherpa keeps the peak of the
 * longest run for good (sherpa exposes no arena option): Piper held ~22 MB more per second of
 * audio in one run (54 chars +56 MB, 116 chars +140 MB, 207 chars +223 MB, measured). Longer
 * sentences are cut at a comma (or a space) and spoken with a breath between the parts.
 */
const MAX_CHARS_PER_RUN = 120;

/**
 * A sherpa-onnx OfflineTts voice (Kokoro, Piper/VITS, Matcha, Kitten). Models load on native
 * threads (createAsync) and synthesis runs there too (generateAsync), never on the event loop.
 *
 * Text is split into sentences synthesized one after another; an abort rejects at once and the
 * remaining sentences are never started. A sentence already inside the model finishes on its
 * native thread (sherpa cannot cancel it), and the next call waits for it: one model instance is
 * not re-entrant.
 */
export class SherpaTts implements Tts {
  readonly name: string;
  #busy: Promise<unknown> = Promise.resolve();
  /** Read once: the model is reloaded for another language, with the same voices. */
  readonly #numSpeakers: number;

  private constructor(
    readonly model: string,
    private readonly built: BuiltTtsConfig,
    private tts: SherpaOfflineTts | null,
    private readonly voices: string[],
    private lang: string | undefined,
    private readonly rebuild: (language: string) => { config: BuiltTtsConfig; lang: string | undefined },
  ) {
    this.name = `sherpa-${built.family}`;
    this.#numSpeakers = tts?.numSpeakers ?? 1;
  }

  static async load(model: Parameters<StageFactory<Tts>>[0], language: string): Promise<SherpaTts> {
    const built = buildSherpaTtsConfig(model, language);
    await requirePaths(model.id, built);
    // Matcha models have one voice and no `model` file of their own (acoustic model + vocoder).
    const voices = built.family === 'matcha' ? [] : await readVoiceNames(modelFileOf(built));
    const tts = await createNative(model.id, built.config);
    const langOf = (b: BuiltTtsConfig) => (b.config.model.kokoro as { lang?: string } | undefined)?.lang;
    const rebuild = (lang: string) => {
      const config = buildSherpaTtsConfig(model, lang);
      return { config, lang: langOf(config) };
    };
    return new SherpaTts(model.id, built, tts, voices, langOf(built), rebuild);
  }

  get sampleRate(): number {
    return this.#native().sampleRate;
  }

  pickVoice(voice: string, language: string): VoicePick | null {
    return pickVoice(voice, this.voices, this.#numSpeakers, language);
  }

  /** Voice names in speaker-id order (empty when the model has one voice or no names). */
  get voiceNames(): readonly string[] {
    return this.voices;
  }

  async synthesize(text: string, options: TtsOptions): Promise<Pcm> {
    const { signal } = options;
    signal?.throwIfAborted();
    const sentences = splitSentences(text, MAX_CHARS_PER_RUN);
    const speed = Math.min(2, Math.max(0.5, options.speed || 1));
    const parts: Float32Array[] = [];
    let rate: number | undefined; // from the audio: the voice may be unloaded while its last sentence runs
    for (const sentence of sentences) {
      signal?.throwIfAborted();
      const audio = await this.#run(async () => {
        await this.#useLanguage(options.language);
        const tts = this.#native();
        const { sid } = chooseSpeaker(options.voice, this.voices, tts.numSpeakers, options.language);
        return tts.generateAsync({ text: sentence, sid, speed, enableExternalBuffer: false });
      }, signal);
      parts.push(audio.samples);
      rate = audio.sampleRate;
    }
    rate ??= this.#native().sampleRate; // no sentence to speak (empty text)
    return { samples: concatWithGaps(parts, Math.round(SENTENCE_GAP_S * rate)), sampleRate: rate };
  }

  dispose(): void {
    // sherpa frees the native model when its handle is garbage-collected: drop the reference, but
    // keep the handle reachable until a sentence still running on its native thread has returned
    // (freed under it, the process crashed: conversation.models.test's worker on a loaded CI run).
    const running = this.tts;
    void this.#busy.finally(() => running?.sampleRate);
    this.tts = null;
  }

  #native(): SherpaOfflineTts {
    if (!this.tts) throw new KiwiError('tts_disposed', `the ${this.model} voice was unloaded`, 503);
    return this.tts;
  }

  /**
   * Run one model call after the previous one finished. The caller's promise rejects as soon as
   * the signal aborts; the queue still waits for the native call, so calls never overlap.
   */
  #run<T>(call: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const result = this.#busy.then(() => {
      signal?.throwIfAborted();
      return call();
    });
    this.#busy = result.catch(() => undefined); // failures are the caller's, below
    return untilAborted(result, signal);
  }

  /** Multi-lingual Kokoro speaks other languages through espeak-ng with `lang`: reload for one. */
  async #useLanguage(language: string): Promise<void> {
    if (this.built.family !== 'kokoro') return;
    const next = this.rebuild(language);
    if (next.lang === this.lang) return;
    this.tts = await createNative(this.model, next.config.config);
    this.lang = next.lang;
  }
}

/** Load the model on sherpa's native thread; its errors become KiwiErrors naming the model. */
async function createNative(id: string, config: SherpaTtsConfig): Promise<SherpaOfflineTts> {
  try {
    return await sherpa<SherpaTtsModule>().OfflineTts.createAsync(config);
  } catch (err) {
    throw new KiwiError('model_load_failed', `TTS model '${id}' could not be loaded: ${describeError(err)}`, 503);
  }
}

function modelFileOf(built: BuiltTtsConfig): string {
  const family = built.config.model[built.family] as { model?: string };
  if (!family.model) throw new KiwiError('model_config_invalid', `${built.family} config has no model file`, 500);
  return family.model;
}

/** sherpa aborts the process on some missing files: check them first and name what is missing. */
async function requirePaths(id: string, built: BuiltTtsConfig): Promise<void> {
  for (const [list, what] of [
    [built.files, 'file'],
    [built.dirs, 'folder'],
  ] as const) {
    for (const p of list) {
      const stat = await fsp.stat(p).catch((err: NodeJS.ErrnoException) => {
        throw new KiwiError('model_missing', `TTS model '${id}' is incomplete: ${p} (${err.code ?? err.message}); reinstall it with: kiwi models download ${id}`, 503);
      });
      if (what === 'folder' ? !stat.isDirectory() : !stat.isFile()) {
        throw new KiwiError('model_missing', `TTS model '${id}' is incomplete: ${p} is not a ${what}`, 503);
      }
    }
  }
}

/** TTS_ENGINES entry: every sherpa family loads through the same adapter. */
export const createSherpaTts: StageFactory<Tts> = (model, ctx) => SherpaTts.load(model, ctx.config.language);
