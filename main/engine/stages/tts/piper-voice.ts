import fsp from 'node:fs/promises';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { describeError, KiwiError } from '../../../platform/errors.ts';
import { concatWithGaps } from '../../audio/pcm.ts';
import { readOnnxMetadata } from './onnx-metadata.ts';
import { voiceHalves } from './piper-halves.ts';
import { parsePiperTokens, piperPhonemeIds } from './piper-phonemes.ts';
import { readVoiceNames } from './voices.ts';
import { SLEEPING_THREADS } from '../onnx-threads.ts';

/** Piper's own defaults (noise, noise width), the ones sherpa-onnx uses too. */
const NOISE_SCALE = 0.667;
const NOISE_SCALE_W = 0.8;
/** The VITS decoder (HiFi-GAN) of a Piper export: its nodes are named /dec/…. */
const DECODER_PREFIX = '/dec/';
/**
 * Latent frames decoded on each side of a piece so its audio equals the whole decode's: the
 * decoder's reach. Measured on joe-medium: 8 frames differ by 1e-3, 12 by nothing (float noise).
 */
const DECODER_CONTEXT = 12;
/** Utterances begun and not yet decoded to the end that the worker keeps (a caller that gave up never finishes its). */
const KEPT_UTTERANCES = 4;

export interface PiperVoiceFiles {
  id: string;
  dir: string;
  config: Record<string, unknown>;
}

/** The two halves of a Piper model: text → latent frames, latent frames → audio. */
interface SplitSessions {
  front: ort.InferenceSession;
  decoder: ort.InferenceSession;
}

/** An utterance whose latent frames are made and whose audio is decoded piece by piece. */
interface Begun {
  latentName: string;
  latents: ort.Tensor;
  /** Other tensors the decoder takes whole (a multi-speaker voice's speaker vector). */
  constant: Record<string, ort.Tensor>;
  frames: number;
}

/**
 * A Piper voice on onnxruntime-node with its memory arena off (see piper-tts.ts for why). It runs
 * inside the Piper worker thread: onnxruntime-node's `run` holds the calling thread for the whole
 * sentence, so it must never be the event loop's.
 *
 * The model is loaded in two halves when it splits cleanly before its decoder (every Piper
 * export does): `begin` makes a sentence's latent frames (~50 ms), `decode` turns a range of them
 * into audio (~20 ms for the first 0.4 s), so a reply's first audio needs a fraction of the
 * sentence's synthesis. The pieces join to exactly the whole decode's audio.
 */
export class PiperVoice {
  readonly #begun = new Map<number, Begun>();
  #nextUtterance = 1;

  private constructor(
    private readonly sessions: SplitSessions | { whole: ort.InferenceSession },
    readonly sampleRate: number,
    readonly numSpeakers: number,
    /** Speaker names in id order (empty when the model has one voice or no names). */
    readonly voiceNames: string[],
    private readonly espeakVoice: string,
    private readonly tokens: ReadonlyMap<string, number>,
    /** What this voice runs with that costs something (logged at start). */
    readonly notes: string[],
  ) {}

  static async load(model: PiperVoiceFiles, threads: number): Promise<PiperVoice> {
    const onnx = modelFile(model, 'model');
    const tokensFile = modelFile(model, 'tokens');
    const [meta, tokensText] = await Promise.all([
      readOnnxMetadata(onnx).catch((err: unknown) => {
        throw unreadable(model.id, onnx, err);
      }),
      fsp.readFile(tokensFile, 'utf8').catch((err: unknown) => {
        throw unreadable(model.id, tokensFile, err);
      }),
    ]);
    // Written into every Piper voice Kiwi installs (models/piper.ts, or sherpa-onnx's own export).
    const sampleRate = Number(meta.sample_rate);
    if (!meta.voice || !(sampleRate > 0)) {
      throw new KiwiError('model_corrupt', `TTS model '${model.id}': ${onnx} lacks Piper's voice metadata (voice, sample_rate); reinstall it with: kiwi models download ${model.id}`, 500);
    }
    const tokens = parsePiperTokens(tokensText, tokensFile);
    let sessions: SplitSessions | { whole: ort.InferenceSession };
    const notes: string[] = [];
    try {
      const halves = await voiceHalves(onnx, DECODER_PREFIX);
      if (halves?.inMemory) notes.push(halves.inMemory);
      const options: ort.InferenceSession.SessionOptions = {
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
        enableCpuMemArena: false,
        extra: SLEEPING_THREADS,
      };
      const load = (model: string | Uint8Array) => (typeof model === 'string' ? ort.InferenceSession.create(model, options) : ort.InferenceSession.create(model, options));
      sessions = halves ? { front: await load(halves.front), decoder: await load(halves.decoder) } : { whole: await load(onnx) };
    } catch (err) {
      throw new KiwiError('model_load_failed', `TTS model '${model.id}' could not be loaded: ${describeError(err)}`, 503);
    }
    const inputs = 'whole' in sessions ? sessions.whole.inputNames : sessions.front.inputNames;
    const speakers = inputs.includes('sid') ? Math.max(1, Number(meta.n_speakers) || 1) : 1;
    return new PiperVoice(sessions, sampleRate, speakers, await readVoiceNames(onnx), meta.voice, tokens, notes);
  }

  /** Whether `begin` / `decode` work (the model split before its decoder). */
  get streams(): boolean {
    return !('whole' in this.sessions);
  }

  /**
   * One piece of text (Kiwi's sentence) → audio; espeak-ng's own sentences inside it are joined.
   * `aborted` is asked between model runs: a caller that gave up gets what was made so far.
   */
  async speak(text: string, sid: number, speed: number, aborted: () => boolean = () => false): Promise<Float32Array> {
    const { sessions } = this;
    if (!('whole' in sessions)) {
      const { utterance, frames } = await this.begin(text, sid, speed, aborted);
      return frames && !aborted() ? this.decode(utterance, 0, frames) : new Float32Array(0);
    }
    const parts: Float32Array[] = [];
    for (const feeds of this.#feeds(text, sid, speed)) {
      if (aborted()) break;
      const out = await sessions.whole.run(feeds);
      parts.push(out[sessions.whole.outputNames[0]!]!.data as Float32Array);
    }
    return concatWithGaps(parts, 0);
  }

  /** A sentence's latent frames, kept in the worker for `decode`; espeak-ng's sentences inside it are joined (until `aborted`). */
  async begin(text: string, sid: number, speed: number, aborted: () => boolean = () => false): Promise<{ utterance: number; frames: number }> {
    const { front } = this.#split();
    const runs: Array<Record<string, ort.Tensor>> = [];
    for (const feeds of this.#feeds(text, sid, speed)) {
      if (aborted()) break;
      runs.push(await front.run(feeds));
    }
    if (!runs.length) return { utterance: 0, frames: 0 }; // nothing to say (punctuation alone): nothing kept
    // The latent frames are the cut tensor with a time axis; anything else (a speaker vector) is taken whole.
    const names = front.outputNames;
    const latentName = names.reduce((a, b) => (lastDim(runs[0]![b]) > lastDim(runs[0]![a]) ? b : a));
    const latents = joinFrames(runs.map((run) => run[latentName]!));
    const constant = Object.fromEntries(names.filter((n) => n !== latentName).map((n) => [n, runs[0]![n]!]));
    const utterance = this.#nextUtterance++;
    this.#begun.set(utterance, { latentName, latents, constant, frames: lastDim(latents) });
    for (const old of this.#begun.keys()) if (this.#begun.size > KEPT_UTTERANCES) this.#begun.delete(old);
    return { utterance, frames: lastDim(latents) };
  }

  /** The audio of latent frames [from, to) of a begun utterance; the one that reaches its end frees it. */
  async decode(utterance: number, from: number, to: number): Promise<Float32Array> {
    const { decoder } = this.#split();
    const begun = this.#begun.get(utterance);
    if (!begun) throw new KiwiError('tts_failed', `Piper utterance ${utterance} is not (or no longer) begun`, 500);
    if (to >= begun.frames) this.#begun.delete(utterance);
    const end = Math.min(to, begun.frames);
    if (from >= end) return new Float32Array(0);
    // Decode with the decoder's reach on each side, then keep the range's own samples.
    const start = Math.max(0, from - DECODER_CONTEXT);
    const stop = Math.min(begun.frames, end + DECODER_CONTEXT);
    const feeds = { ...begun.constant, [begun.latentName]: sliceFrames(begun.latents, start, stop) };
    const out = (await decoder.run(feeds))[decoder.outputNames[0]!]!.data as Float32Array;
    const hop = out.length / (stop - start);
    return out.slice((from - start) * hop, (end - start) * hop);
  }

  #split(): SplitSessions {
    if ('whole' in this.sessions) throw new KiwiError('tts_failed', 'this Piper voice did not split before its decoder: it speaks whole sentences only', 500);
    return this.sessions;
  }

  *#feeds(text: string, sid: number, speed: number): Generator<Record<string, ort.Tensor>> {
    for (const ids of piperPhonemeIds(text, this.espeakVoice, this.tokens)) {
      const feeds: Record<string, ort.Tensor> = {
        input: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]),
        input_lengths: new ort.Tensor('int64', BigInt64Array.of(BigInt(ids.length)), [1]),
        scales: new ort.Tensor('float32', Float32Array.of(NOISE_SCALE, 1 / speed, NOISE_SCALE_W), [3]),
      };
      if (this.numSpeakers > 1) feeds.sid = new ort.Tensor('int64', BigInt64Array.of(BigInt(sid)), [1]);
      yield feeds;
    }
  }

  async release(): Promise<void> {
    this.#begun.clear();
    await Promise.all(Object.values(this.sessions).map((session: ort.InferenceSession) => session.release()));
  }
}

function modelFile(model: PiperVoiceFiles, key: string): string {
  const value = model.config[key];
  if (typeof value !== 'string' || !value || path.isAbsolute(value) || value.split(/[\\/]/).includes('..')) {
    throw new KiwiError('model_config_invalid', `TTS model '${model.id}': catalog config needs '${key}', a path inside the model folder`, 500);
  }
  return path.join(model.dir, value);
}

/** A file that cannot be read names itself and the fix; one that can but is wrong says so as it is. */
function unreadable(id: string, file: string, err: unknown): KiwiError {
  if (err instanceof KiwiError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  return new KiwiError('model_missing', `TTS model '${id}' is incomplete: ${file} (${code ?? describeError(err)}); reinstall it with: kiwi models download ${id}`, 503);
}

function lastDim(tensor: ort.Tensor | undefined): number {
  return tensor ? Number(tensor.dims[tensor.dims.length - 1]) : -1;
}

/** [1, channels, frames] tensors joined along their frames. */
function joinFrames(tensors: ort.Tensor[]): ort.Tensor {
  if (tensors.length === 1) return tensors[0]!;
  const channels = Number(tensors[0]!.dims[1]);
  const frames = tensors.reduce((n, t) => n + lastDim(t), 0);
  const out = new Float32Array(channels * frames);
  let at = 0;
  for (const t of tensors) {
    const data = t.data as Float32Array;
    const n = lastDim(t);
    for (let c = 0; c < channels; c += 1) out.set(data.subarray(c * n, (c + 1) * n), c * frames + at);
    at += n;
  }
  return new ort.Tensor('float32', out, [1, channels, frames]);
}

/** Frames [from, to) of a [1, channels, frames] tensor. */
function sliceFrames(tensor: ort.Tensor, from: number, to: number): ort.Tensor {
  const channels = Number(tensor.dims[1]);
  const frames = lastDim(tensor);
  const data = tensor.data as Float32Array;
  const out = new Float32Array(channels * (to - from));
  for (let c = 0; c < channels; c += 1) out.set(data.subarray(c * frames + from, c * frames + to), c * (to - from));
  return new ort.Tensor('float32', out, [1, channels, to - from]);
}
