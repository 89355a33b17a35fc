import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { requireVerifiedModel } from './require.ts';
import { describeWithModels } from './testing/model-env.ts';
import { loadSherpa } from './testing/sherpa.ts';
import { concat, silence, speak, speechToolsMissing } from './testing/speech.ts';

/** Run Silero (through sherpa-onnx) over a clip; returns the speech segments as [start, end] seconds. */
function segments(modelDir: string, samples: Float32Array): Array<[number, number]> {
  const { Vad } = loadSherpa();
  const vad = new Vad(
    {
      sileroVad: { model: path.join(modelDir, 'silero_vad.onnx'), threshold: 0.5, minSilenceDuration: 0.25, minSpeechDuration: 0.25, windowSize: 512 },
      sampleRate: 16000,
      numThreads: 1,
      debug: false,
    },
    30,
  );
  const found: Array<[number, number]> = [];
  const drain = () => {
    while (!vad.isEmpty()) {
      const seg = vad.front(false);
      found.push([seg.start / 16000, (seg.start + seg.samples.length) / 16000]);
      vad.pop();
    }
  };
  for (let i = 0; i < samples.length; i += 512) {
    vad.acceptWaveform(samples.subarray(i, i + 512));
    drain();
  }
  vad.flush();
  drain();
  return found;
}

describeWithModels('silero-vad on sherpa-onnx (real model)', (modelsDir) => {
  let dir: string;
  beforeAll(async () => {
    expect(speechToolsMissing()).toBeNull();
    dir = await requireVerifiedModel('silero-vad', { modelsDir });
  });

  it('finds the speech in espeak-ng audio, where it is', () => {
    const speech = speak('Kiwi, please turn on the lights in the living room.');
    const clip = concat(silence(1), speech, silence(1));
    const found = segments(dir, clip);
    expect(found.length).toBeGreaterThanOrEqual(1);
    const [start] = found[0]!;
    const end = found.at(-1)![1];
    expect(start).toBeGreaterThan(0.6);
    expect(start).toBeLessThan(1.4);
    expect(end).toBeGreaterThan(1 + speech.length / 16000 - 0.5);
  });

  it('finds nothing in silence or in faint noise', () => {
    expect(segments(dir, silence(3))).toEqual([]);
    let seed = 7;
    const noise = Float32Array.from({ length: 48000 }, () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 0.01);
    expect(segments(dir, noise)).toEqual([]);
  });
});
