import { SAMPLE_RATE } from '../../../contract/audio.ts';
/**
 * Whisper hears at most 30 s at a time. Longer audio is cut into windows of at most 30 s, each
 * cut placed at the quietest 100 ms in the window's last seconds, so a word is rarely split.
 */

export interface ChunkOptions {
  rate: number;
  /** Longest window in seconds (Whisper's 30). */
  windowS: number;
  /** How far back from the window's end to look for a quiet place to cut. */
  searchS: number;
}

const DEFAULTS: ChunkOptions = { rate: SAMPLE_RATE, windowS: 30, searchS: 6 };

/** [start, end) sample ranges covering all of `samples`, each at most one window long. */
export function chunkRanges(samples: Float32Array, options: Partial<ChunkOptions> = {}): Array<[number, number]> {
  const { rate, windowS, searchS } = { ...DEFAULTS, ...options };
  const window = Math.round(windowS * rate);
  const frame = Math.round(0.1 * rate);
  const hop = Math.round(0.02 * rate);
  const ranges: Array<[number, number]> = [];
  let start = 0;
  while (samples.length - start > window) {
    const searchFrom = start + window - Math.round(searchS * rate);
    let cut = start + window;
    let quietest = Infinity;
    for (let at = searchFrom; at + frame <= start + window; at += hop) {
      const energy = meanSquare(samples, at, at + frame);
      if (energy < quietest) {
        quietest = energy;
        cut = at + Math.floor(frame / 2);
      }
    }
    ranges.push([start, cut]);
    start = cut;
  }
  if (start < samples.length || ranges.length === 0) ranges.push([start, samples.length]);
  return ranges;
}

function meanSquare(samples: Float32Array, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i += 1) sum += samples[i]! * samples[i]!;
  return sum / Math.max(1, to - from);
}
