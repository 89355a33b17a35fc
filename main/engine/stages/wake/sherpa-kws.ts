import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { KiwiError, describeError } from '../../../platform/errors.ts';
import { sherpa, sherpaAddon } from '../../sherpa/sherpa-module.ts';
import type { WakeDetection, WakeWord } from '../../stages.ts';
import type { StageFactory } from '../factory.ts';
import type { ResolvedModel } from '../../models/resolve.ts';
import type { Config } from '../../../contract/config.ts';
import { canWrite, keywordOfPhrase, keywordsFile, parseTokens, type TokenTable } from './kws-tokens.ts';
import { wakeKeywordSets } from './kws-spellings.ts';
import { loadSentencePiece, type PieceEncoder } from './sentencepiece.ts';
import { Refractory } from './refractory.ts';
import { SAMPLE_RATE } from '../../../contract/audio.ts';
import { StreamResampler } from '../../audio/resampler.ts';

/** The part of sherpa-onnx-node's KeywordSpotter Kiwi uses (keyword-spotter.js, 1.13.x). */
interface KwsStream {
  acceptWaveform(input: { samples: Float32Array; sampleRate: number }): void;
}
export interface KeywordSpotter {
  /** A stream searched for these keywords (a keywords file's text). */
  createStream(keywords: string): KwsStream;
  isReady(stream: KwsStream): boolean;
  decode(stream: KwsStream): void;
  reset(stream: KwsStream): void;
  getResult(stream: KwsStream): { keyword: string; start_time?: number; tokens?: string[] };
}
type NativeSpotter = Omit<KeywordSpotter, 'createStream'> & { handle: unknown };
/** The addon functions behind a stream with keywords of its own. */
interface KwsAddon {
  createKeywordStream(spotter: unknown, keywords: string): unknown;
  acceptWaveformOnline(stream: unknown, input: { samples: Float32Array; sampleRate: number }): void;
}

export interface KwsFiles {
  encoder: string;
  decoder: string;
  joiner: string;
  tokens: string;
}

export interface KwsOptions {
  /** sherpa's boosting score for the keyword (its default is 1.0). */
  boost: number;
  /** sherpa's trigger threshold: the keyword's minimum acoustic probability. */
  threshold: number;
  threads: number;
  /** The beam's width (sherpa's maxActivePaths; 4 unless given). */
  paths?: number;
}

/**
 * The rate the spotter's second view of the audio is declared at when the transcript confirms:
 * resampled up to 16 kHz, the model hears it 300 cents lower and 19 % slower. The
 * GigaSpeech spotter misses "kiwi" in high voices (all 5 misses in the tuning voices were
 * commands pitched up 300 cents); the lowered view finds 4 of them. Measured (bench/results/wake.json):
 * two-stage misses 8.7 % → 5.7 % (tuning voices 4.2 → 0.8 %), still no false wake in 1.06 h of
 * prose, 1 of 224 near-miss utterances. It doubles the spotter's CPU (27 → 60 ms per second of audio).
 */
export const LOWERED_VIEW_RATE = Math.round(SAMPLE_RATE / 2 ** (300 / 1200));

/** sherpa's documented default trigger threshold, which Kiwi's default wake_threshold (0.5) maps to. */
const SHERPA_DEFAULT_THRESHOLD = 0.25;
const DEFAULT_WAKE_THRESHOLD = 0.5;

/**
 * Kiwi's `voice.wake_threshold` (0.5 by default, shared with openWakeWord) as sherpa's trigger
 * threshold: proportional, so the default lands on sherpa's own default and "stricter" means
 * stricter for both engines. A model may set its own base (`keywords_threshold`) in the catalog.
 */
export function kwsOptions(modelConfig: Record<string, unknown>, wakeThreshold: number): KwsOptions {
  const base = typeof modelConfig.keywords_threshold === 'number' ? modelConfig.keywords_threshold : SHERPA_DEFAULT_THRESHOLD;
  const boost = typeof modelConfig.keywords_score === 'number' ? modelConfig.keywords_score : 1.0;
  const threshold = Math.min(0.95, Math.max(0.05, (base * wakeThreshold) / DEFAULT_WAKE_THRESHOLD));
  return { boost, threshold, threads: 1 };
}

/** The KeywordSpotter config of sherpa-onnx-node for a streaming zipformer transducer KWS model. */
export function kwsConfig(dir: string, files: KwsFiles, keywordsPath: string, options: KwsOptions) {
  return {
    featConfig: { sampleRate: SAMPLE_RATE, featureDim: 80 },
    modelConfig: {
      transducer: { encoder: path.join(dir, files.encoder), decoder: path.join(dir, files.decoder), joiner: path.join(dir, files.joiner) },
      tokens: path.join(dir, files.tokens),
      numThreads: options.threads,
      provider: 'cpu',
      debug: 0,
    },
    maxActivePaths: options.paths ?? 4,
    numTrailingBlanks: 1,
    keywordsScore: options.boost,
    keywordsThreshold: options.threshold,
    keywordsFile: keywordsPath,
  };
}

/**
 * Open-vocabulary wake word on sherpa's keyword spotter: the configured word, written in the
 * model's tokens, is the only thing its beam search can output. sherpa reports which keyword
 * fired but no probability; the detection's score is the trigger threshold it passed (a lower
 * bound). sherpa-onnx-node 1.13 has no async KWS decode: each decode is one small step of a 3 M
 * parameter model, and Kiwi yields to the event loop between steps. Keyword sets that must be
 * searched apart (kws-spellings.ts) are streams of one spotter, so the model is loaded once; each
 * stream hears the same audio (each set once per view: the audio declared at each of `views`'
 * rates) and any of them wakes.
 */
export class SherpaKws implements WakeWord {
  readonly name = 'sherpa-kws';
  #streams: Array<{ stream: KwsStream; view: number }>;
  /**
   * Each view's audio as the model hears it: resampled here, once per view for all its streams
   * (sherpa would resample per stream, and print "Creating a resampler" for each on stderr).
   */
  #resamplers: StreamResampler[];
  #fed = 0;
  readonly #refractory = new Refractory();

  constructor(
    private readonly spotter: KeywordSpotter,
    /** One keywords file's text per stream. */
    private readonly keywordSets: readonly string[],
    private readonly threshold: number,
    /** The sample rates the audio is declared at, one stream per set for each (LOWERED_VIEW_RATE). */
    private readonly views: readonly number[] = [SAMPLE_RATE],
  ) {
    [this.#streams, this.#resamplers] = this.#newStreams();
  }

  async accept(samples: Float32Array): Promise<WakeDetection | null> {
    const streams = this.#streams;
    this.#fed += samples.length;
    let hit: WakeDetection | null = null;
    const spotter = this.spotter;
    const heard = this.#resamplers.map((resampler) => resampler.resample(samples));
    for (const { stream, view } of streams) {
      stream.acceptWaveform({ samples: heard[view]!, sampleRate: SAMPLE_RATE });
      while (spotter.isReady(stream)) {
        spotter.decode(stream);
        const { keyword } = spotter.getResult(stream);
        if (keyword) {
          if (this.#refractory.trigger(this.#fed)) hit ??= { keyword: keywordOfPhrase(keyword), score: this.threshold, at: this.#fed };
          // sherpa's examples reset the stream after a keyword so the next one is searched afresh.
          spotter.reset(stream);
        }
        await nextTurn();
        if (streams !== this.#streams) return hit; // reset() while decoding
      }
    }
    return hit;
  }

  reset(): void {
    [this.#streams, this.#resamplers] = this.#newStreams();
    this.#fed = 0;
    this.#refractory.reset();
  }

  fork(): SherpaKws {
    return new SherpaKws(this.spotter, this.keywordSets, this.threshold, this.views);
  }

  dispose(): void {
    // The native spotter and streams are freed by their finalizers once nothing refers to them.
    this.#streams = [];
    this.#resamplers = [];
  }

  /** A stream per keyword set for each view, and each view's resampler (the audio declared at its rate, made 16 kHz). */
  #newStreams(): [Array<{ stream: KwsStream; view: number }>, StreamResampler[]] {
    const streams = this.views.flatMap((_, view) => this.keywordSets.map((keywords) => ({ stream: this.spotter.createStream(keywords), view })));
    return [streams, this.views.map((rate) => new StreamResampler(rate, SAMPLE_RATE))];
  }
}

function filesOf(config: Record<string, unknown>, id: string): KwsFiles {
  const pick = (key: keyof KwsFiles) => {
    const value = config[key];
    if (typeof value !== 'string' || !value) throw new KiwiError('model_invalid', `Model '${id}' has no '${key}' file in its catalog config`, 500);
    return value;
  };
  return { encoder: pick('encoder'), decoder: pick('decoder'), joiner: pick('joiner'), tokens: pick('tokens') };
}

async function readModelText(file: string): Promise<string> {
  return fs.readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new KiwiError('model_invalid', `Keyword model file ${file} cannot be read (${err.code ?? err.message})`, 500);
  });
}

/**
 * A sherpa KeywordSpotter with no keywords of its own, whose streams each search the keywords
 * they are made with. sherpa adds a spotter's own keywords (its keywords file, read when it is
 * created; here empty, and not kept) to every such stream's; sherpa-onnx-node 1.13's wrapper does
 * not pass a stream's keywords on, its addon does.
 */
export async function loadSpotter(dir: string, id: string, files: KwsFiles, options: KwsOptions): Promise<KeywordSpotter> {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'kiwi-kws-'));
  let native: NativeSpotter;
  try {
    const keywordsPath = path.join(tmp, 'keywords.txt');
    await fs.writeFile(keywordsPath, '', 'utf8');
    const { KeywordSpotter: Spotter } = sherpa<{ KeywordSpotter: new (config: unknown) => NativeSpotter }>();
    try {
      native = new Spotter(kwsConfig(dir, files, keywordsPath, options));
    } catch (err) {
      throw new KiwiError('model_invalid', `sherpa could not load the keyword model '${id}': ${describeError(err)}`, 500);
    }
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
  const addon = sherpaAddon<KwsAddon>();
  return {
    // The shape of sherpa's own OnlineStream, whose handle its spotter reads. A line sherpa cannot
    // encode gets no error here, only a stream that crashes the process when fed: the keywords
    // come from keywordsFile, which writes only the model's own tokens.
    createStream: (streamKeywords) => {
      const handle = addon.createKeywordStream(native.handle, streamKeywords);
      return { handle, acceptWaveform: (input) => addon.acceptWaveformOnline(handle, input) };
    },
    isReady: (stream) => native.isReady(stream),
    decode: (stream) => native.decode(stream),
    reset: (stream) => native.reset(stream),
    getResult: (stream) => native.getResult(stream),
  };
}

/** What a keyword model needs to write keywords: its token table and, for BPE models, its bpe.model. */
export async function keywordWriter(model: Pick<ResolvedModel, 'dir' | 'config' | 'id'>): Promise<{ table: TokenTable; bpe?: PieceEncoder }> {
  const files = filesOf(model.config, model.id);
  const lexicon = typeof model.config.lexicon === 'string' ? await readModelText(path.join(model.dir, model.config.lexicon)) : undefined;
  const table = parseTokens(await readModelText(path.join(model.dir, files.tokens)), lexicon);
  const bpeModel = model.config.bpe_model;
  if (typeof bpeModel !== 'string') return { table };
  return { table, bpe: await loadSentencePiece(path.join(model.dir, bpeModel)) };
}

/**
 * The spotter for `config`'s wake word and threshold. With the transcript confirming
 * (voice.wake_confirm 'transcript') it listens for sound-alikes too, and in two views of the audio
 * (as it is, and lowered: LOWERED_VIEW_RATE); `views` overrides the views.
 */
export async function loadSherpaKws(model: ResolvedModel, config: Config, views?: readonly number[]): Promise<SherpaKws> {
  const files = filesOf(model.config, model.id);
  const { table, bpe } = await keywordWriter(model);
  const options = kwsOptions(model.config, config.voice.wake_threshold);
  // Two-stage wake: the transcript rejects what only sounds like the wake word, so the spotter may listen for more.
  const confirmed = config.voice.wake_confirm === 'transcript';
  // A sound-alike spelling this model cannot write (a lexicon without "key") is left out; the wake word itself must be writable.
  const sets = wakeKeywordSets(config.wake_word, { ...options, confirmed })
    .map((lines) => lines.filter((line) => line.spelling === undefined || canWrite(line.spelling, table, bpe)))
    .filter((lines) => lines.length > 0)
    .map((lines) => keywordsFile(lines, table, bpe));
  const spotter = await loadSpotter(model.dir, model.id, files, options);
  return new SherpaKws(spotter, sets, options.threshold, views ?? (confirmed ? [SAMPLE_RATE, LOWERED_VIEW_RATE] : [SAMPLE_RATE]));
}

export const createSherpaKws: StageFactory<WakeWord> = (model, ctx) => loadSherpaKws(model, ctx.config);
