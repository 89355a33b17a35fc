import type { Config } from '../../../contract/config.ts';
import { describeError, KiwiError } from '../../../platform/errors.ts';
import { resampleTo } from '../../audio/wav.ts';
import { sherpa } from '../../sherpa/sherpa-module.ts';
import type { Pcm, Stt, SttStream, Transcript } from '../../stages.ts';
import type { StageFactory } from '../factory.ts';
import { assertModelFiles, type ModelEntry, onlineRecognizerConfig } from './sherpa-config.ts';
import { SerialQueue } from '../../../platform/serial-queue.ts';
import { tidyCase } from './sherpa-text.ts';
import { SAMPLE_RATE } from '../../../contract/audio.ts';

/** The part of sherpa-onnx-node's OnlineRecognizer Kiwi uses (the package ships no types). */
export interface SherpaOnlineStream {
  acceptWaveform(wave: { samples: Float32Array; sampleRate: number }): void;
  inputFinished(): void;
}
export interface SherpaOnlineRecognizer {
  createStream(): SherpaOnlineStream;
  isReady(stream: SherpaOnlineStream): boolean;
  decode(stream: SherpaOnlineStream): void;
  getResult(stream: SherpaOnlineStream): { text: string };
}
interface SherpaOnlineModule {
  OnlineRecognizer: new (config: unknown) => SherpaOnlineRecognizer;
}

const RATE = SAMPLE_RATE;
/** Silence fed after the last sample so the model's right context lets it emit the final tokens. */
const TAIL_S = 0.66;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * One utterance on a streaming recognizer. sherpa's online decode is synchronous but small (one
 * chunk of a few hundred ms per call on a 20M-parameter model); the loop yields to the event
 * loop between chunks so timers and sockets keep running.
 */
export class OnlineSttStream implements SttStream {
  readonly #serial = new SerialQueue();
  readonly #stream: SherpaOnlineStream;
  #last = '';
  #finished = false;

  constructor(private readonly recognizer: SherpaOnlineRecognizer) {
    this.#stream = recognizer.createStream();
  }

  accept(samples: Float32Array, signal?: AbortSignal): Promise<string | null> {
    return this.#serial.run(async () => {
      if (this.#finished) throw new KiwiError('stt_stream_finished', 'The streaming transcript was already finished', 500);
      this.#stream.acceptWaveform({ samples, sampleRate: RATE });
      await this.#decodeReady(signal);
      const text = this.#text();
      if (text === this.#last) return null;
      this.#last = text;
      return text;
    });
  }

  finish(signal?: AbortSignal): Promise<string> {
    return this.#serial.run(async () => {
      if (this.#finished) return this.#last;
      this.#stream.acceptWaveform({ samples: new Float32Array(Math.round(TAIL_S * RATE)), sampleRate: RATE });
      this.#stream.inputFinished();
      await this.#decodeReady(signal);
      this.#finished = true;
      this.#last = this.#text();
      return this.#last;
    });
  }

  async #decodeReady(signal?: AbortSignal): Promise<void> {
    while (this.recognizer.isReady(this.#stream)) {
      signal?.throwIfAborted();
      this.recognizer.decode(this.#stream);
      await nextTurn();
    }
  }

  #text(): string {
    return tidyCase(this.recognizer.getResult(this.#stream).text);
  }
}

/** A streaming sherpa-onnx recognizer (zipformer transducer): live partials, or whole utterances. */
export class SherpaOnlineStt implements Stt {
  readonly name = 'sherpa-online-stt';
  #disposed = false;

  constructor(
    readonly model: string,
    private readonly recognizer: SherpaOnlineRecognizer,
    private readonly language: string,
  ) {}

  static async load(entry: ModelEntry, options: { language: string; device: Config['stt_device'] }): Promise<SherpaOnlineStt> {
    const config = onlineRecognizerConfig(entry, options);
    await assertModelFiles(entry, config);
    const { OnlineRecognizer } = sherpa<SherpaOnlineModule>();
    let recognizer: SherpaOnlineRecognizer;
    try {
      // sherpa-onnx-node has no async constructor for online recognizers; this one is small.
      recognizer = new OnlineRecognizer(config);
    } catch (err) {
      throw new KiwiError('model_invalid', `Streaming speech-to-text model '${entry.id}' cannot be loaded: ${describeError(err)}`, 500);
    }
    // A streaming model speaks one language (the catalog's first); Kiwi reports that one.
    return new SherpaOnlineStt(entry.id, recognizer, entry.languages[0] ?? options.language);
  }

  createStream(_options: { language: string }): SttStream {
    this.#assertOpen();
    return new OnlineSttStream(this.recognizer);
  }

  async transcribe(audio: Pcm, options: { language: string; signal?: AbortSignal }): Promise<Transcript> {
    this.#assertOpen();
    options.signal?.throwIfAborted();
    const stream = new OnlineSttStream(this.recognizer);
    await stream.accept(resampleTo(audio, RATE).samples, options.signal);
    const text = await stream.finish(options.signal);
    return { text, language: this.language };
  }

  dispose(): void {
    // The native recognizer is freed by its finalizer once the streams that use it are gone.
    this.#disposed = true;
  }

  #assertOpen(): void {
    if (this.#disposed) throw new KiwiError('stt_disposed', 'The speech recognizer was closed', 503);
  }
}

export const createSherpaOnlineStt: StageFactory<Stt> = async (model, ctx) =>
  SherpaOnlineStt.load(model, { language: ctx.config.language, device: ctx.config.stt_device });
