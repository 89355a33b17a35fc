import { spawn } from 'node:child_process';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { MALLOC_TUNING } from '../../../bin/malloc-tuning.mjs';
import { DEFAULT_CONFIG } from '../../contract/config.ts';
import { appRoot } from '../../platform/paths.ts';
import { resampleTo } from '../audio/wav.ts';
import { STT_ENGINES } from '../stages/stt/index.ts';
import { TTS_ENGINES } from '../stages/tts/index.ts';
import { concatWithGaps } from '../audio/pcm.ts';
import { voiceHalves } from '../stages/tts/piper-halves.ts';
import { PiperTts } from '../stages/tts/piper-tts.ts';
import { PiperVoice } from '../stages/tts/piper-voice.ts';
import type { Pcm, Stt, Tts, TtsOptions } from '../stages.ts';
import { loadCatalog } from './catalog.ts';
import { resolveModel } from './resolve.ts';
import { describeWithModels } from './testing/model-env.ts';
import { rms } from './testing/speech.ts';
import { hearRoundTrip, missingWords, ROUND_TRIP_TEXT } from './testing/piper-round-trip.ts';

const seconds = (a: Pcm) => a.samples.length / a.sampleRate;
const signed = (n: number) => (n >= 0 ? `+${n}` : String(n));
const en: TtsOptions = { voice: DEFAULT_CONFIG.tts_voice, speed: 1, language: 'en' };

describeWithModels('Piper voice on onnxruntime-node, Kiwi\'s Piper engine (real model)', (modelsDir) => {
  let tts: Tts;
  let whisper: Stt;
  const hear = async (audio: Pcm) => (await whisper.transcribe(resampleTo(audio, 16000), { language: 'en' })).text;

  beforeAll(async () => {
    const catalog = await loadCatalog();
    const model = await resolveModel('tts', 'tts-piper-en-us-joe-medium', 'en', { modelsDir, catalog });
    tts = await TTS_ENGINES[model.engine]!(model, { config: DEFAULT_CONFIG, modelsDir });
    const stt = await resolveModel('stt', 'stt-substitute-whisper-tiny-en', 'en', { modelsDir, catalog, engines: ['onnx-whisper'] });
    whisper = await STT_ENGINES[stt.engine]!(stt, { config: DEFAULT_CONFIG, modelsDir });
  });
  afterAll(() => {
    tts?.dispose();
    whisper?.dispose();
  });

  it('is the engine the catalog picks for Piper voices', () => {
    expect(tts).toBeInstanceOf(PiperTts);
    expect({ name: tts.name, sampleRate: (tts as PiperTts).sampleRate }).toEqual({ name: 'piper', sampleRate: 22050 });
  });

  it('round trip: Whisper hears the words it said, at a plausible speaking rate', async () => {
    const text = ROUND_TRIP_TEXT;
    const audio = await tts.synthesize(text, en);
    expect(rms(audio.samples)).toBeGreaterThan(0.02);
    expect(seconds(audio) / text.length).toBeGreaterThan(0.04);
    expect(seconds(audio) / text.length).toBeLessThan(0.12);
    const heard = await hearRoundTrip(() => tts.synthesize(text, en), hear);
    console.log(`piper (onnxruntime) said "${text}"; whisper heard ${heard.map((h) => `"${h}"`).join(', then ')}`);
    expect(missingWords(heard.at(-1)!)).toEqual([]);
  });

  it('speaks several sentences with a breath between them, and follows speed', async () => {
    const one = await tts.synthesize('The weather today is sunny.', en);
    const two = await tts.synthesize('The weather today is sunny. Take a hat.', en);
    expect(seconds(two)).toBeGreaterThan(seconds(one) + 0.4);
    const fast = await tts.synthesize('The weather today is sunny.', { ...en, speed: 1.6 });
    expect(seconds(fast)).toBeLessThan(0.8 * seconds(one));
  });

  it('speaks nothing for empty text, at the voice\'s own rate', async () => {
    const audio = await tts.synthesize('  ', en);
    expect({ samples: audio.samples.length, sampleRate: audio.sampleRate }).toEqual({ samples: 0, sampleRate: 22050 });
    for (const marks of ['…', '?!', '-']) expect(seconds(await tts.synthesize(marks, en)), marks).toBeLessThan(0.5); // punctuation alone: (almost) nothing, no failure
  });

  it('synthesizes off the event loop', async () => {
    const elu = performance.eventLoopUtilization();
    const audio = await tts.synthesize('It is seven degrees outside and it will rain in the afternoon, so take an umbrella.', en);
    const { utilization } = performance.eventLoopUtilization(elu);
    console.log(`piper (onnxruntime): ${seconds(audio).toFixed(2)} s of audio; event loop busy ${(utilization * 100).toFixed(1)}%`);
    expect(utilization).toBeLessThan(0.5);
  });

  it('streams a sentence in pieces, the first a fraction of a second long, that join to exactly the audio decoded whole', async () => {
    const catalog = await loadCatalog();
    const model = await resolveModel('tts', 'tts-piper-en-us-joe-medium', 'en', { modelsDir, catalog });
    const voice = await PiperVoice.load(model, 2);
    try {
      expect(voice.streams).toBe(true);
      const { utterance, frames } = await voice.begin('Penguins live almost only in the southern half of the world.', 0, 1);
      const cuts = [0, 32, 96, frames - 1];
      const pieces: Float32Array[] = [];
      for (let i = 0; i + 1 < cuts.length; i += 1) pieces.push(await voice.decode(utterance, cuts[i]!, cuts[i + 1]!));
      const whole = await voice.decode(utterance, 0, frames); // reaches the end: frees the utterance
      const hop = whole.length / frames;
      expect(hop).toBe(256);
      expect(pieces[0]!.length / voice.sampleRate).toBeLessThan(0.5);
      const joined = concatWithGaps(pieces, 0);
      let worst = 0;
      for (let i = 0; i < joined.length; i += 1) worst = Math.max(worst, Math.abs(joined[i]! - whole[i]!));
      expect(joined.length).toBe((frames - 1) * hop);
      expect(worst).toBeLessThan(1e-4);
      await expect(voice.decode(utterance, 0, 8)).rejects.toMatchObject({ code: 'tts_failed' });
    } finally {
      await voice.release();
    }
    // Kiwi's engine: the first piece comes out alone, long before the sentence's whole audio.
    const pieces: Pcm[] = [];
    for await (const piece of tts.stream!('Penguins live almost only in the southern half of the world.', en)) pieces.push(piece);
    expect(pieces.length).toBeGreaterThan(2);
    expect(seconds(pieces[0]!)).toBeLessThan(0.5);
    expect(seconds({ samples: concatWithGaps(pieces.map((p) => p.samples), 0), sampleRate: 22050 })).toBeGreaterThan(2);
  });

  it('keeps the voice cut in two beside it: made on the first load, reused after, made again when the voice changes', async () => {
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'kiwi-halves-'));
    try {
      const onnx = path.join(dir, 'voice.onnx');
      await fsp.copyFile(path.join(modelsDir, 'tts-piper-en-us-joe-medium', 'en_US-joe-medium.onnx'), onnx);
      const first = await voiceHalves(onnx, '/dec/');
      expect(first).toEqual({ front: path.join(dir, '.kiwi-halves', 'front.onnx'), decoder: path.join(dir, '.kiwi-halves', 'decoder.onnx') });
      const made = (await fsp.stat(first!.front as string)).mtimeMs;
      expect(await voiceHalves(onnx, '/dec/')).toEqual(first);
      expect((await fsp.stat(first!.front as string)).mtimeMs).toBe(made); // reused, not cut again
      await fsp.utimes(onnx, new Date(), new Date(Date.now() + 5000)); // a reinstalled voice
      await voiceHalves(onnx, '/dec/');
      expect((await fsp.stat(first!.front as string)).mtimeMs).toBeGreaterThan(made);
      expect(await voiceHalves(onnx, '/nothing-named-so/')).toBeNull();
      // Where the halves cannot be written, they come in memory: a file in the folder's place...
      await fsp.rm(path.join(dir, '.kiwi-halves'), { recursive: true });
      await fsp.writeFile(path.join(dir, '.kiwi-halves'), '');
      const held = await voiceHalves(onnx, '/dec/');
      expect(held?.front).toBeInstanceOf(Uint8Array);
      expect(held?.inMemory).toMatch(/two halves cannot be written to .*\.kiwi-halves \((EEXIST|ENOTDIR)\): loaded from memory on every start/);
      // ...and the voice says so in its notes (the worker has no logger; Kiwi logs them at start).
      const source = path.join(modelsDir, 'tts-piper-en-us-joe-medium');
      for (const entry of ['tokens.txt', 'espeak-ng-data']) await fsp.symlink(path.join(source, entry), path.join(dir, entry));
      const voice = await PiperVoice.load({ id: 'held-in-memory', dir, config: { model: 'voice.onnx', tokens: 'tokens.txt', data_dir: 'espeak-ng-data' } }, 1);
      try {
        expect(voice.streams).toBe(true);
        expect(voice.notes).toEqual([held!.inMemory]);
      } finally {
        await voice.release();
      }
      // ...or a folder Kiwi may not write (as root, chmod does not stop it: skipped there).
      if (process.getuid?.() !== 0) {
        await fsp.rm(path.join(dir, '.kiwi-halves'), { recursive: true });
        await fsp.chmod(dir, 0o555);
        const inMemory = await voiceHalves(onnx, '/dec/');
        expect(inMemory?.front).toBeInstanceOf(Uint8Array);
      }
    } finally {
      await fsp.chmod(dir, 0o755);
      await fsp.rm(dir, { recursive: true, force: true });
    }
  });

  it('an abort stops a long synthesis early: later sentences never reach the model; the voice keeps working', async () => {
    const sentence = (i: number) => `This is sentence number ${i + 1} of a long answer that nobody wants to hear to the end.`;
    const posted = vi.spyOn(Worker.prototype, 'postMessage');
    // A sentence reaches the model with its first job ('begin', then its pieces are decoded; 'speak' for a voice that does not stream).
    const begun = (m: unknown) => (m as { type: string }).type === 'job' && ['begin', 'speak'].includes((m as { request: { type: string } }).request.type);
    const runs = { get count() { return posted.mock.calls.filter(([m]) => begun(m)).length; } };
    try {
      const controller = new AbortController();
      const pending = tts.synthesize(Array.from({ length: 20 }, (_, i) => sentence(i)).join(' '), { ...en, signal: controller.signal });
      await vi.waitFor(() => expect(runs.count).toBeGreaterThanOrEqual(2), { timeout: 60_000, interval: 10 });
      controller.abort(new Error('barge-in'));
      await expect(pending).rejects.toThrow('barge-in');
      expect(seconds(await tts.synthesize(sentence(0), en))).toBeGreaterThan(2);
      // Two sentences had gone to the worker when the abort came, then the one above; the other 18 never did.
      expect(runs.count).toBeLessThanOrEqual(3);
    } finally {
      posted.mockRestore();
    }
  });

  it('unloading the voice mid-sentence lets that sentence finish; the next call says the voice is gone', async () => {
    const catalog = await loadCatalog();
    const model = await resolveModel('tts', 'tts-piper-en-us-joe-medium', 'en', { modelsDir, catalog });
    const own = await PiperTts.load(model);
    const posted = vi.spyOn(Worker.prototype, 'postMessage');
    try {
      const sentence = own.synthesize('The quick brown fox jumps over the lazy dog while the kiwi sings about the sea.', en);
      await vi.waitFor(() => expect(posted.mock.calls.some(([m]) => (m as { type: string }).type === 'job')).toBe(true), { timeout: 30_000, interval: 1 });
      own.dispose();
      expect(seconds(await sentence)).toBeGreaterThan(3);
      await expect(own.synthesize('Hello.', en)).rejects.toMatchObject({ code: 'tts_disposed' });
    } finally {
      posted.mockRestore();
    }
  });

  it('keeps its memory flat over replies, where sherpa\'s engine keeps every run\'s peak (the soak\'s growth)', async () => {
    // A child process with Kiwi's malloc settings (as `kiwi serve` runs): the soak's replies, 40 of them.
    const growth = async (engine: string) => {
      const out = await runNode(['--expose-gc', '--import', 'tsx', path.join(appRoot, 'main/engine/models/testing/tts-rss-over-replies.ts'), modelsDir, engine, '40']);
      const [, first, last] = /^RSS (\d+) (\d+)$/m.exec(out) ?? [];
      if (!first) throw new Error(`no RSS line from ${engine}: ${out}`);
      console.log(`${engine} RSS after each reply (MiB): ${out.split('\n')[1]}`);
      return Number(last) - Number(first);
    };
    const piper = await growth('onnx-piper');
    const sherpa = await growth('sherpa-tts-vits');
    console.log(`RSS growth over 40 replies after the first: onnxruntime Piper ${signed(piper)} MiB, sherpa Piper ${signed(sherpa)} MiB`);
    expect(piper).toBeLessThan(25); // measured -19 to +10 (CI, busy)
    expect(sherpa).toBeGreaterThan(piper); // measured +37 to +125: the comparison shows the test can fail
  });
});

function runNode(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: appRoot, env: { ...process.env, ...MALLOC_TUNING }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}: ${out}`))));
  });
}
