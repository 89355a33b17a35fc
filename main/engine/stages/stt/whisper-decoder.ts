import fs from 'node:fs/promises';
import path from 'node:path';
import ort from 'onnxruntime-node';
import type { Config } from '../../../contract/config.ts';
import { describeError, KiwiError } from '../../../platform/errors.ts';
import { chunkRanges } from './whisper-chunks.ts';
import { argmaxAmong, endsInLoop, isNoSpeech, logprobOf, pickToken, plainWords, probabilityOf, restartsAt, tokenBudget, type TokenRules } from './whisper-greedy.ts';
import { WhisperVocabulary } from './whisper-vocabulary.ts';
import { SAMPLE_RATE } from '../../../contract/audio.ts';
import type { ExpectedOpening } from '../../stages.ts';
import { SLEEPING_THREADS } from '../onnx-threads.ts';

export const RATE = SAMPLE_RATE;
const WINDOW = 30 * RATE; // Whisper's window
/** Encoder input granularity: two mel frames (10 ms each) make one encoder state. */
const STATE_SAMPLES = 320;
/**
 * Silence after the speech: the endpointer cuts at the last voiced sample, and a short quiet tail
 * lets the model hear a final consonant out (measured: no worse than 0 or 500 ms on the bench phrases).
 */
const TAIL_SAMPLES = 0.3 * RATE;
/**
 * Commands are encoded on at least 5 s: with less, tiny.en misheard the wake word in pipeline
 * audio ("He will tell me a story" at 2–3 s, "Kiwi, tell me a story" at 5 s and padded); 250
 * states still cost a sixth of 1,500.
 */
const MIN_SAMPLES = 5 * RATE;
/** Up to this length speech is a command: encoded on its own frames, not padded to 30 s. */
const SHORT_WINDOW = 10 * RATE;

/**
 * How many samples a window is encoded on. An English command: its own frames plus a short tail
 * (at least MIN_SAMPLES). Longer speech keeps the 30 s window, where the padding measurably helps
 * (unpadded, 27 s of dictation ended in its last sentence said over and over) and costs little.
 * Other languages, or one still to be detected, keep it too: only English was measured on its own
 * length (bench/results/stt-window.json), and Whisper base heard French and German commands wrong
 * on it ("Kiwi, qui parle ?" as "Qu'il veut qu'il parle?") that it heard right padded.
 */
export function windowSamples(samples: number, language: string | undefined, fullWindow: boolean): number {
  if (fullWindow || language !== 'en' || samples > SHORT_WINDOW) return WINDOW;
  return Math.ceil(Math.max(MIN_SAMPLES, samples + TAIL_SAMPLES) / STATE_SAMPLES) * STATE_SAMPLES;
}

export interface WhisperLoadOptions {
  /** onnxruntime intra-op threads per session: 1 or 2 leave a core to the VAD and the loop. */
  threads: number;
  device: Config['stt_device'];
  /** Pad every window to 30 s even when the encoder takes any length (the old, slower way). */
  fullWindow?: boolean;
}

/** Thrown between decoder steps when the caller gave up on the transcript. */
export class DecodeAborted extends Error {
  constructor() {
    super('transcription aborted');
    this.name = 'AbortError';
  }
}

/**
 * Whisper as two ONNX graphs on onnxruntime (the layout of scripts/models-whisper-ct2-to-onnx.py:
 * encoder `audio` [1, samples ≤ 480000] → `cross_kv` [decoder layers, 1, frames, 2 × dim];
 * decoder `tokens` [1, n] + `cross_kv` → `logits` of the last position), decoded greedily without timestamps.
 *
 * onnxruntime-node's session.run() is synchronous underneath (it only defers the call with
 * setImmediate): a 30 s encoder pass holds its thread for up to a second. So this class runs in
 * a worker thread (whisper-worker-thread.ts), and onnx-whisper.ts talks to it from the main one.
 */
export class WhisperDecoder {
  private constructor(
    private readonly encoder: ort.InferenceSession,
    private readonly decoder: ort.InferenceSession,
    readonly vocabulary: WhisperVocabulary,
    private readonly rules: TokenRules,
    /** Every window padded to 30 s (`stt_full_window`). */
    private readonly fullWindow: boolean,
  ) {}

  static async load(dir: string, config: Record<string, unknown>, options: WhisperLoadOptions): Promise<WhisperDecoder> {
    const file = (key: string, fallback: string) => path.join(dir, typeof config[key] === 'string' ? config[key] : fallback);
    const vocabulary = WhisperVocabulary.parse(await readText(file('vocabulary', 'vocabulary.txt')));
    const ct2 = JSON.parse(await readText(file('config', 'config.json'))) as { suppress_ids?: number[]; suppress_ids_begin?: number[] };
    const space = vocabulary.tokens.indexOf('Ġ');
    const rules: TokenRules = {
      eot: vocabulary.specials.eot,
      suppress: ct2.suppress_ids ?? [],
      suppressAtBegin: ct2.suppress_ids_begin ?? [...(space >= 0 ? [space] : []), vocabulary.specials.eot],
    };
    const encoder = await createSession(file('encoder', 'encoder.onnx'), options);
    let decoder: ort.InferenceSession | undefined;
    try {
      decoder = await createSession(file('decoder', 'decoder.onnx'), options);
      expectNames(encoder, ['audio'], ['cross_kv']);
      expectNames(decoder, ['tokens', 'cross_kv'], ['logits']);
      return new WhisperDecoder(encoder, decoder, vocabulary, rules, Boolean(options.fullWindow));
    } catch (err) {
      await Promise.all([encoder.release(), decoder?.release()]);
      throw err;
    }
  }

  /** Languages this model can be told to transcribe in (['en'] for English-only models). */
  get languages(): string[] {
    return this.vocabulary.multilingual ? [...this.vocabulary.languages.keys()] : ['en'];
  }

  /**
   * 16 kHz samples of any length → text, in windows of at most 30 s. `aborted` is asked before
   * every encoder and decoder step. With `opening`, the first window's text opens with that word
   * when the model finds it likely enough (see #opening).
   */
  async transcribe(samples: Float32Array, asked: string, aborted: () => boolean, opening?: ExpectedOpening): Promise<{ text: string; language: string }> {
    // English-only models transcribe English whatever was asked; multilingual ones use the asked
    // language when they know it, else detect it on the first window.
    let language: string | undefined = 'en';
    if (this.vocabulary.multilingual) language = this.vocabulary.languages.has(asked) ? asked : undefined;
    const texts: string[] = [];
    for (const [from, to] of chunkRanges(samples, { rate: RATE })) {
      const heard = await this.#window(samples.subarray(from, to), language, aborted, texts.length ? undefined : opening);
      language ??= heard.language; // detected on the first window, kept for the rest
      if (heard.text) texts.push(heard.text);
    }
    return { text: texts.join(' ').replace(/\s+/g, ' ').trim(), language: language ?? asked };
  }

  /** One window of at most 30 s: encode, then greedy decoding until <|endoftext|>. */
  async #window(samples: Float32Array, language: string | undefined, aborted: () => boolean, opening?: ExpectedOpening): Promise<{ text: string; language: string | undefined }> {
    const check = () => {
      if (aborted()) throw new DecodeAborted();
    };
    check();
    const length = windowSamples(samples.length, language, this.fullWindow);
    const padded = new Float32Array(length);
    padded.set(samples.subarray(0, length));
    // Each decoder layer's cross-attention keys and values, computed once for the whole window.
    const { cross_kv: crossKv } = await this.encoder.run({ audio: new ort.Tensor('float32', padded, [1, length]) }, ['cross_kv']);
    if (!crossKv) throw new KiwiError('model_invalid', 'Whisper encoder gave no cross_kv', 500);
    check();

    // The logits right after SOT hold the no-speech probability and, for multilingual models,
    // the spoken language: one short decoder step answers both.
    const { sot, noSpeech } = this.vocabulary.specials;
    const afterSot = await this.#step([sot], crossKv);
    const noSpeechProb = noSpeech === undefined ? 0 : probabilityOf(afterSot, noSpeech);
    if (this.vocabulary.multilingual && language === undefined) {
      const id = argmaxAmong(afterSot, this.vocabulary.languages.values());
      language = [...this.vocabulary.languages].find(([, token]) => token === id)?.[0];
    }

    const prompt = this.vocabulary.prompt(language === undefined ? undefined : this.vocabulary.languages.get(language));
    const limits = { budget: tokenBudget(samples.length / RATE), short: length < WINDOW, check };
    let heard = await this.#greedy(prompt, { ids: [], logprob: 0 }, crossKv, limits);
    if (opening) heard = await this.#opened(prompt, heard, opening, crossKv, limits);
    const avgLogprob = heard.logprob / Math.max(1, heard.ids.length + 1);
    if (isNoSpeech(noSpeechProb, avgLogprob)) return { text: '', language };
    return { text: this.vocabulary.decode(heard.ids), language };
  }

  /** Greedy decoding after `prompt` and the text `from`, until <|endoftext|>, a loop or the budget. */
  async #greedy(prompt: number[], from: Heard, crossKv: ort.OnnxValue, { budget, short, check }: GreedyLimits): Promise<Heard> {
    const text = [...from.ids];
    const tokens = [...prompt, ...text];
    let logprob = from.logprob;
    for (let step = text.length; step < budget; step += 1) {
      check();
      const next = pickToken(await this.#step(tokens, crossKv), this.rules, step === 0);
      logprob += next.logprob;
      if (next.id === this.rules.eot) break;
      tokens.push(next.id);
      text.push(next.id);
      if (endsInLoop(text)) break;
      const restart = short ? restartsAt(plainWords(this.vocabulary.decode(text))) : null;
      if (restart !== null) {
        text.splice(wordsEnd(text, restart, (ids) => plainWords(this.vocabulary.decode(ids)).length));
        break;
      }
    }
    return { ids: text, logprob };
  }

  /** The greedy text, or the one that opens with `opening` when the model finds that likely enough. */
  async #opened(prompt: number[], greedy: Heard, opening: ExpectedOpening, crossKv: ort.OnnxValue, limits: GreedyLimits): Promise<Heard> {
    const said = this.vocabulary.decode(greedy.ids);
    if (hasWord(said, opening.text)) return greedy;
    const forced = await this.#opening(prompt, opening, crossKv, limits.check);
    if (!forced) return greedy;
    const opened = await this.#greedy(prompt, forced, crossKv, limits);
    // Forced to open with the name, it sometimes ends there ("Keywee stop." → "Kiwi."): the words after it count more.
    const nothingAfter = plainWords(this.vocabulary.decode(opened.ids)).length <= plainWords(opening.text).length;
    return nothingAfter && plainWords(said).length > 1 ? greedy : opened;
  }

  /**
   * The expected opening word, forced: its tokens and their log-probability when that is at least
   * `minLogprob`, else null. Greedy decoding writes an unknown name the way it sounds to it
   * ("Keyweets", "Keyway", "TV" for "Kiwi"), though the model, asked, finds the name itself likely.
   */
  async #opening(prompt: number[], opening: ExpectedOpening, crossKv: ort.OnnxValue, check: () => void): Promise<Heard | null> {
    const ids = this.vocabulary.encode(` ${opening.text.trim()}`);
    let logprob = 0;
    for (const [i, id] of ids.entries()) {
      check();
      logprob += logprobOf(await this.#step([...prompt, ...ids.slice(0, i)], crossKv), id, this.rules, i === 0);
      if (logprob < opening.minLogprob) return null;
    }
    return { ids, logprob };
  }

  async #step(tokens: number[], crossKv: ort.OnnxValue): Promise<Float32Array> {
    const input = new ort.Tensor('int64', BigInt64Array.from(tokens, BigInt), [1, tokens.length]);
    const { logits } = await this.decoder.run({ tokens: input, cross_kv: crossKv });
    if (!logits) throw new KiwiError('model_invalid', 'Whisper decoder gave no logits', 500);
    const data = logits.data as Float32Array;
    // [1, vocab] from Kiwi's graphs; the last row if a graph returns every position.
    return data.subarray(data.length - this.vocabulary.size);
  }

  async release(): Promise<void> {
    await Promise.all([this.encoder.release(), this.decoder.release()]);
  }
}

interface Heard {
  ids: number[];
  /** The sum of the tokens' log-probabilities (and of <|endoftext|>'s once decoding ended). */
  logprob: number;
}

interface GreedyLimits {
  budget: number;
  /** Encoded without padding: it may say its words again (restartsAt). */
  short: boolean;
  check: () => void;
}

/** Whether `text` has the words of `word` in a row, in any case. */
function hasWord(text: string, word: string): boolean {
  const spaced = (s: string) => ` ${plainWords(s).join(' ')} `;
  return spaced(text).includes(spaced(word));
}

/** How many of `ids` it takes to write `count` words (the first token of the next word is left out). */
function wordsEnd(ids: number[], count: number, wordsIn: (ids: number[]) => number): number {
  let end = 1;
  while (end < ids.length && wordsIn(ids.slice(0, end + 1)) <= count) end += 1;
  return end;
}

async function readText(file: string): Promise<string> {
  return fs.readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new KiwiError('model_invalid', `Whisper model file ${file} cannot be read (${err.code ?? err.message})`, 500);
  });
}

const PROVIDERS: Record<Config['stt_device'], string> = { cpu: 'cpu', cuda: 'cuda', coreml: 'coreml' };

async function createSession(file: string, options: WhisperLoadOptions): Promise<ort.InferenceSession> {
  const base: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: options.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    // No arena: with inputs of every length it kept its peak (+110 MB after one 30 s window, measured); freed after each run instead.
    enableCpuMemArena: false,
    extra: SLEEPING_THREADS,
  };
  const provider = PROVIDERS[options.device];
  try {
    return await ort.InferenceSession.create(file, { ...base, executionProviders: [provider] });
  } catch (err) {
    if (provider === 'cpu') throw new KiwiError('model_invalid', `Whisper graph ${file} cannot be loaded: ${describeError(err)}`, 500);
    // This onnxruntime build may lack the accelerator: the CPU still works.
    process.emitWarning(`Whisper on ${provider} is not available (${describeError(err)}); using the CPU`);
    return createSession(file, { ...options, device: 'cpu' });
  }
}

/** Whether the encoder's `audio` input has a free length (scripts/models-whisper-ct2-to-onnx.py since dynamic frames). */
function expectNames(session: ort.InferenceSession, inputs: string[], outputs: string[]): void {
  const missing = [...inputs.filter((n) => !session.inputNames.includes(n)), ...outputs.filter((n) => !session.outputNames.includes(n))];
  if (missing.length) {
    throw new KiwiError('model_invalid', `Whisper graph lacks ${missing.join(', ')} (has ${[...session.inputNames, ...session.outputNames].join(', ')})`, 500);
  }
}
