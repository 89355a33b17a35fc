import fs from 'node:fs/promises';
import ort from 'onnxruntime-node';
import { KiwiError } from '../../../platform/errors.ts';

/** 1.6 s: the utterance length the GE2E encoder was trained on. */
export const PARTIAL = 25_600;
/** Partials overlap by half, as Resemblyzer's embed_utterance does. */
const STEP = 12_800;
export const DIMENSION = 256;
/** A short utterance is looped from this many starting points (see Ge2eEncoder). */
export const SHORT_LOOPS = 4;

/**
 * Resemblyzer's pretrained GE2E encoder as one ONNX graph (scripts/models-resemblyzer-to-onnx.py:
 * `audio` [1, 25600] at 16 kHz → `embedding` [1, 256], unit length). An utterance is cut into
 * 1.6 s partials overlapping by half; the voice print is the mean of their embeddings,
 * L2-normalised (Resemblyzer's embed_utterance).
 *
 * Utterances shorter than one partial (most spoken commands) are repeated to fill it instead of
 * padded with silence: the encoder reads the LSTM state after the last frame, and trailing
 * silence pulls that state away from the voice. On espeak-ng voices this halved the equal error
 * rate of 1–2 s probes (10 % → 6 %, see docs in the identification tests). Where the loop starts
 * matters to the LSTM too, so the utterance is looped from SHORT_LOOPS starting points spread over
 * it and their embeddings averaged: on one-second commands of the five Kokoro voices this took
 * identification from 47 to 49 of 50 right (bench/results/speaker.json).
 *
 * onnxruntime-node's run holds its thread for the whole pass (9–25 ms a partial here), so this
 * runs in a worker thread (ge2e-worker-thread.ts); onnx-ge2e.ts is the main thread's side.
 */
export class Ge2eEncoder {
  private constructor(private readonly session: ort.InferenceSession) {}

  static async load(file: string, threads: number): Promise<Ge2eEncoder> {
    await fs.access(file).catch((err: NodeJS.ErrnoException) => {
      throw new KiwiError('model_invalid', `GE2E speaker model file ${file} cannot be read (${err.code ?? err.message})`, 500);
    });
    const session = await ort.InferenceSession.create(file, { intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential' });
    if (!session.inputNames.includes('audio') || !session.outputNames.includes('embedding')) {
      const found = `inputs ${session.inputNames.join(', ')}; outputs ${session.outputNames.join(', ')}`;
      await session.release();
      throw new KiwiError('model_invalid', `${file} is not a GE2E encoder with input 'audio' and output 'embedding' (${found})`, 500);
    }
    return new Ge2eEncoder(session);
  }

  /** 16 kHz samples → the unit-length voice print; `aborted` is asked before every partial. */
  async embed(samples: Float32Array, aborted: () => boolean): Promise<Float32Array> {
    const sum = new Float32Array(DIMENSION);
    for (const partial of partials(samples)) {
      if (aborted()) throw new KiwiError('aborted', 'The embedding was no longer wanted', 499);
      const out = await this.session.run({ audio: new ort.Tensor('float32', partial, [1, PARTIAL]) });
      const data = out.embedding!.data as Float32Array;
      for (let i = 0; i < DIMENSION; i++) sum[i]! += data[i]!;
    }
    const norm = Math.hypot(...sum);
    if (!(norm > 0)) throw new KiwiError('embedding_failed', 'The speaker model returned an empty embedding (silent audio?)', 400);
    return sum.map((v) => v / norm);
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

/** The 1.6 s windows an utterance is embedded from (see Ge2eEncoder for short ones). */
export function partials(samples: Float32Array): Float32Array[] {
  if (samples.length < PARTIAL) {
    return Array.from({ length: SHORT_LOOPS }, (_, k) => {
      const start = Math.floor((k * samples.length) / SHORT_LOOPS);
      const filled = new Float32Array(PARTIAL);
      for (let at = 0; at < PARTIAL; at++) filled[at] = samples[(start + at) % samples.length]!;
      return filled;
    });
  }
  const out: Float32Array[] = [];
  // The last window may run past the end by up to half a step (zero-filled), so the tail counts.
  for (let start = 0; start + PARTIAL <= samples.length + STEP / 2; start += STEP) {
    const window = new Float32Array(PARTIAL);
    window.set(samples.subarray(start, start + PARTIAL));
    out.push(window);
  }
  return out;
}
