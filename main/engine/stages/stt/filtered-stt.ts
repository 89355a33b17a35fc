import type { Pcm, Stt, SttStream, TranscribeOptions, Transcript } from '../../stages.ts';
import type { StageFactory } from '../factory.ts';
import { cleanTranscript, MIN_SPEECH_S, speechSeconds } from './hallucination-filter.ts';
import { listsFor, type PhantomLists, sharedPhantomLists } from './phantom-phrases.ts';

export interface FilterOptions {
  lists: PhantomLists;
  /** Seconds of speech below which audio is not decoded at all. */
  minSpeechS?: number;
}

/**
 * Any recognizer with the hallucination filter around it: audio with too little speech is never
 * decoded (an empty transcript, at no cost), and the text that comes back loses known phantom
 * phrases and repetition loops. Streams get the same clean-up on their final text; partials are
 * passed through, as they are only shown while someone speaks.
 */
export class FilteredStt implements Stt {
  constructor(
    readonly inner: Stt,
    private readonly options: FilterOptions,
  ) {
    if (inner.createStream) {
      const open = inner.createStream.bind(inner);
      this.createStream = (streamOptions) => this.#filterStream(open(streamOptions), streamOptions.language);
    }
  }

  readonly createStream?: (options: { language: string }) => SttStream;

  get name(): string {
    return this.inner.name;
  }

  get model(): string {
    return this.inner.model;
  }

  async transcribe(audio: Pcm, options: TranscribeOptions): Promise<Transcript> {
    options.signal?.throwIfAborted();
    if (speechSeconds(audio) < (this.options.minSpeechS ?? MIN_SPEECH_S)) return { text: '', language: options.language };
    const heard = await this.inner.transcribe(audio, options);
    return { text: this.clean(heard.text, heard.language, options.language), language: heard.language };
  }

  clean(text: string, ...languages: string[]): string {
    return cleanTranscript(text, listsFor(this.options.lists, ...languages));
  }

  dispose(): void {
    this.inner.dispose();
  }

  #filterStream(stream: SttStream, language: string): SttStream {
    return {
      accept: (samples) => stream.accept(samples),
      finish: async () => this.clean(await stream.finish(), language),
    };
  }
}

/** A stage factory whose recognizers all come wrapped in the filter. */
export function filtered(factory: StageFactory<Stt>, lists: () => Promise<PhantomLists> = sharedPhantomLists): StageFactory<Stt> {
  return async (model, ctx) => {
    const phantoms = await lists(); // first: a broken install fails before a model is loaded
    return new FilteredStt(await factory(model, ctx), { lists: phantoms });
  };
}
