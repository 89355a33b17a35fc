import fsp from 'node:fs/promises';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { describeError, KiwiError } from '../../../platform/errors.ts';
import { concatWithGaps } from './join.ts';
import { readOnnxMetadata } from './onnx-metadata.ts';
import { parsePiperTokens, piperPhonemeIds } from './piper-phonemes.ts';
import { readVoiceNames } from './voices.ts';
import { SLEEPING_THREADS } from '../onnx-threads.ts';

/** Piper's own defaults (noise, noise width), the ones sherpa-onnx uses too. */
const NOISE_SCALE = 0.667;
const NOISE_SCALE_W = 0.8;

export interface PiperVoiceFiles {
  id: string;
  dir: string;
  config: Record<string, unknown>;
}

/**
 * A Piper voice on onnxruntime-node with its memory arena off (see piper-tts.ts for why). It runs
 * inside the Piper worker thread: onnxruntime-node's `run` holds the calling thread for the whole
 * sentence, so it must never be the event loop's.
 */
export class PiperVoice {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly sampleRate: number,
    readonly numSpeakers: number,
    /** Speaker names in id order (empty when the model has one voice or no names). */
    readonly voiceNames: string[],
    private readonly espeakVoice: string,
    private readonly tokens: ReadonlyMap<string, number>,
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
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(onnx, {
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
        enableCpuMemArena: false,
        extra: SLEEPING_THREADS,
      });
    } catch (err) {
      throw new KiwiError('model_load_failed', `TTS model '${model.id}' could not be loaded: ${describeError(err)}`, 503);
    }
    const speakers = session.inputNames.includes('sid') ? Math.max(1, Number(meta.n_speakers) || 1) : 1;
    return new PiperVoice(session, sampleRate, speakers, await readVoiceNames(onnx), meta.voice, tokens);
  }

  /** One piece of text (Kiwi's sentence) → audio; espeak-ng's own sentences inside it are joined. */
  async speak(text: string, sid: number, speed: number): Promise<Float32Array> {
    const parts: Float32Array[] = [];
    for (const ids of piperPhonemeIds(text, this.espeakVoice, this.tokens)) {
      const feeds: Record<string, ort.Tensor> = {
        input: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]),
        input_lengths: new ort.Tensor('int64', BigInt64Array.of(BigInt(ids.length)), [1]),
        scales: new ort.Tensor('float32', Float32Array.of(NOISE_SCALE, 1 / speed, NOISE_SCALE_W), [3]),
      };
      if (this.numSpeakers > 1) feeds.sid = new ort.Tensor('int64', BigInt64Array.of(BigInt(sid)), [1]);
      const out = await this.session.run(feeds);
      parts.push(out[this.session.outputNames[0]!]!.data as Float32Array);
    }
    return concatWithGaps(parts, 0);
  }

  release(): Promise<void> {
    return this.session.release();
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
