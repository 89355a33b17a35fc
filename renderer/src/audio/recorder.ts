import { ENGINE_RATE, startCapture } from './capture.ts';

export interface Recording {
  samples: Int16Array;
  sampleRate: number;
}

/**
 * Record `seconds` of 16 kHz mono from the microphone (for speaker enrollment), reporting the
 * level as it goes. The microphone is released as soon as the clip is complete.
 */
export async function recordClip(seconds: number, onLevel: (db: number, elapsed: number) => void): Promise<Recording> {
  const wanted = Math.round(seconds * ENGINE_RATE);
  const parts: Int16Array[] = [];
  let have = 0;
  let finish!: () => void;
  const full = new Promise<void>((resolve) => (finish = resolve));
  const capture = await startCapture((pcm, level) => {
    if (have >= wanted) return;
    parts.push(pcm);
    have += pcm.length;
    onLevel(level, have / ENGINE_RATE);
    if (have >= wanted) finish();
  });
  try {
    await full;
  } finally {
    await capture.stop();
  }
  const samples = new Int16Array(wanted);
  let offset = 0;
  for (const part of parts) {
    const n = Math.min(part.length, wanted - offset);
    samples.set(part.subarray(0, n), offset);
    offset += n;
  }
  return { samples, sampleRate: ENGINE_RATE };
}
