import type { Config } from '../../../contract/config.ts';
import { describeError, KiwiError } from '../../../platform/errors.ts';
import { resampleTo } from '../../audio/wav.ts';
import { sherpa } from '../../sherpa/sherpa-module.ts';
import type { Pcm, Stt, TranscribeOptions, Transcript } from '../../stages.ts';
import type { StageFactory } from '../factory.ts';
import { assertModelFiles, type ModelEntry, offlineFamily, type OfflineFamily, offlineRecognizerConfig, takesLanguage } from './sherpa-config.ts';
import { SerialQueue } from '../../../platform/serial-queue.ts';
import { heardLanguage, tidyCase } from './sherpa-text.ts';
import { SAMPLE_RATE } from '../../../contract/audio.ts';

/** The part of sherpa-onnx-node's OfflineRecognizer Kiwi uses (the package ships no types). */
interface SherpaOfflineStream {
  acceptWaveform(wave: { samples: Float32Array; sampleRate: number }): void;
}
interface SherpaOfflineResult {
  text: string;
  /** Whisper and SenseVoice report the language they heard, e.g. '<|en|>' or 'en'. */
  lang?: string;
}
export interface SherpaOfflineRecognizer {
  createStream(): SherpaOfflineStream;
  decodeAsync(stream: SherpaOfflineStream): Promise<SherpaOfflineResult>;
  setConfig(config: unknown): void;
}
interface SherpaOfflineModule {
  OfflineRecognizer: { createAsync(config: unknown): Promise<SherpaOfflineRecognizer> };
}

const RATE = SAMPLE_RATE;

/**
 * Any offline sherpa-onnx recognizer (Whisper, SenseVoice, Moonshine, Paraformer, zipformer and
 * NeMo transducers) on a whole utterance. Loading and decoding run on sherpa's native threads
 * (createAsync, decodeAsync). A decode cannot be interrupted: abort is checked before it starts
 * and its result dropped if the signal fired meanwhile.
 */
export class SherpaOfflineStt implements Stt {
  readonly name = 'sherpa-offline-stt';
  readonly #serial = new SerialQueue();
  #language: string;
  #disposed = false;

  constructor(
    private readonly entry: ModelEntry,
    private readonly recognizer: SherpaOfflineRecognizer,
    private readonly family: OfflineFamily,
    private readonly device: Config['stt_device'],
    language: string,
  ) {
    this.#language = language;
  }

  get model(): string {
    return this.entry.id;
  }

  static async load(entry: ModelEntry, options: { language: string; device: Config['stt_device'] }): Promise<SherpaOfflineStt> {
    const family = offlineFamily(entry);
    const config = offlineRecognizerConfig(entry, options);
    await assertModelFiles(entry, config);
    const { OfflineRecognizer } = sherpa<SherpaOfflineModule>();
    const recognizer = await OfflineRecognizer.createAsync(config).catch((err: unknown) => {
      throw new KiwiError('model_invalid', `Speech-to-text model '${entry.id}' cannot be loaded: ${describeError(err)}`, 500);
    });
    return new SherpaOfflineStt(entry, recognizer, family, options.device, options.language);
  }

  transcribe(audio: Pcm, options: TranscribeOptions): Promise<Transcript> {
    return this.#serial.run(async () => {
      if (this.#disposed) throw new KiwiError('stt_disposed', 'The speech recognizer was closed', 503);
      options.signal?.throwIfAborted();
      if (takesLanguage(this.family) && options.language !== this.#language) {
        // The language lives in the recognizer's config; jobs run one at a time, so no decode sees it change.
        this.recognizer.setConfig(offlineRecognizerConfig(this.entry, { language: options.language, device: this.device }));
        this.#language = options.language;
      }
      const stream = this.recognizer.createStream();
      stream.acceptWaveform({ samples: resampleTo(audio, RATE).samples, sampleRate: RATE });
      const result = await this.recognizer.decodeAsync(stream);
      options.signal?.throwIfAborted();
      return { text: tidyCase(result.text), language: heardLanguage(result.lang) ?? options.language };
    });
  }

  dispose(): void {
    // sherpa frees the recognizer in its finalizer once nothing refers to it; refusing new work
    // and letting the decode in flight finish is what is left to do.
    this.#disposed = true;
  }
}

export const createSherpaOfflineStt: StageFactory<Stt> = async (model, ctx) =>
  SherpaOfflineStt.load(model, { language: ctx.config.language, device: ctx.config.stt_device });
