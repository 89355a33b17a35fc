import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Config } from '../../../contract/config.ts';
import { KiwiError } from '../../../platform/errors.ts';
import type { ResolvedModel } from '../../models/resolve.ts';
import { LOWERED_VIEW_RATE, SherpaKws, createSherpaKws, kwsConfig, kwsOptions } from './sherpa-kws.ts';
import { WAKE_ENGINES } from './index.ts';

// What Kiwi builds around sherpa's spotter (options, config, keywords, errors, the decode loop);
// the adapter on the real GigaSpeech KWS model: main/engine/listening/two-stage-wake.models.test.ts
// and main/cli/listen.models.test.ts.

const FILES = {
  encoder: 'encoder-epoch-12-avg-2-chunk-16-left-64.int8.onnx',
  decoder: 'decoder-epoch-12-avg-2-chunk-16-left-64.onnx',
  joiner: 'joiner-epoch-12-avg-2-chunk-16-left-64.int8.onnx',
  tokens: 'tokens.txt',
};

describe('sherpa KWS options and config', () => {
  it('maps wake_threshold onto sherpa\'s trigger threshold (0.5 → sherpa\'s default 0.25)', () => {
    expect(kwsOptions({}, 0.5)).toEqual({ boost: 1, threshold: 0.25, threads: 1 });
    expect(kwsOptions({}, 0.8).threshold).toBeCloseTo(0.4);
    expect(kwsOptions({}, 0.05).threshold).toBeCloseTo(0.05);
    expect(kwsOptions({ keywords_threshold: 0.6, keywords_score: 2.5 }, 0.99)).toEqual({ boost: 2.5, threshold: 0.95, threads: 1 });
  });

  it('builds the KeywordSpotter config sherpa-onnx-node reads', () => {
    const config = kwsConfig('/m', FILES, '/tmp/k.txt', { boost: 1.5, threshold: 0.3, threads: 1 });
    expect(config).toEqual({
      featConfig: { sampleRate: 16000, featureDim: 80 },
      modelConfig: {
        transducer: { encoder: path.join('/m', FILES.encoder), decoder: path.join('/m', FILES.decoder), joiner: path.join('/m', FILES.joiner) },
        tokens: path.join('/m', 'tokens.txt'),
        numThreads: 1,
        provider: 'cpu',
        debug: 0,
      },
      maxActivePaths: 4,
      numTrailingBlanks: 1,
      keywordsScore: 1.5,
      keywordsThreshold: 0.3,
      keywordsFile: '/tmp/k.txt',
    });
    // A wider beam (the wake bench tries one).
    expect(kwsConfig('/m', FILES, '/tmp/k.txt', { boost: 1.5, threshold: 0.3, threads: 1, paths: 8 }).maxActivePaths).toBe(8);
  });
});

describe('createSherpaKws', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiwi-kws-test-'));
  fs.writeFileSync(path.join(dir, 'tokens.txt'), '<blk> 0\n<sos/eos> 1\n<unk> 2\n▁KI 3\nWI 4\n▁HE 5\nY 6\n');
  fs.writeFileSync(path.join(dir, 'lexicon.txt'), 'hey ▁HE Y\nkiwi ▁KI WI\n');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const model: ResolvedModel = { id: 'kws-test', dir, task: 'wake', engine: 'sherpa-kws', languages: ['en'], config: { ...FILES, lexicon: 'lexicon.txt' } };
  const ctx = (wake_word: string) => ({ config: { ...DEFAULT_CONFIG, wake_word } as Config, modelsDir: dir });
  const kiwiTemp = () => fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('kiwi-kws-') && !f.startsWith('kiwi-kws-test-'));

  it('is the registered sherpa-kws engine', () => {
    expect(WAKE_ENGINES['sherpa-kws']).toBe(createSherpaKws);
  });

  it('refuses a wake word it cannot write (not in the lexicon, and no bpe.model), before loading anything', async () => {
    await expect(createSherpaKws(model, ctx('jarvis'))).rejects.toMatchObject({ code: 'model_invalid', message: expect.stringMatching(/bpe\.model/) });
  });

  // "hey kiwi": its sound-alike spellings ("hey key wee", …) are not in this lexicon, so they are left out.
  it('passes its config to the native spotter, which checks the model files (missing here)', async () => {
    const before = kiwiTemp();
    const error = await createSherpaKws(model, ctx('hey kiwi')).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(KiwiError);
    expect(error).toMatchObject({ code: 'model_invalid' });
    expect((error as Error).message).toMatch(/sherpa could not load the keyword model 'kws-test'/);
    expect(kiwiTemp()).toEqual(before); // the keywords file does not outlive loading
  });
});

/**
 * The decode loop against a scripted stand-in for sherpa's native spotter: each stream reports
 * its keywords on the decode steps given, which tests Kiwi's own logic only.
 */
class ScriptedStream {
  readonly resets: number[] = [];
  readonly rates = new Set<number>();
  samples = 0;
  decoded = 0;
  constructor(readonly keywordAtStep: Set<number>) {}
  acceptWaveform({ samples, sampleRate }: { samples: Float32Array; sampleRate: number }) {
    this.samples += samples.length;
    this.rates.add(sampleRate);
  }
}
class ScriptedSpotter {
  readonly streams: ScriptedStream[] = [];
  /** Decode steps a stream's keyword fires on, by the keywords the stream was made with. */
  constructor(private readonly script: Record<string, number[]>) {}
  createStream(keywords = '') {
    const stream = new ScriptedStream(new Set(this.script[keywords]));
    this.streams.push(stream);
    return stream;
  }
  isReady(stream: ScriptedStream) {
    return stream.samples - stream.decoded * 1600 >= 1600;
  }
  decode(stream: ScriptedStream) {
    stream.decoded += 1;
  }
  reset(stream: ScriptedStream) {
    stream.resets.push(stream.decoded);
  }
  getResult(stream: ScriptedStream) {
    return { keyword: stream.keywordAtStep.has(stream.decoded) ? 'hey_kiwi' : '' };
  }
}

describe('SherpaKws decode loop', () => {
  it('reports the keyword once per utterance, resets the stream after it, and counts samples', async () => {
    const spotter = new ScriptedSpotter({ 'hey kiwi': [5, 6, 30] });
    const kws = new SherpaKws(spotter, ['hey kiwi'], 0.25);
    const hits = [];
    for (let i = 0; i < 40; i += 1) {
      const hit = await kws.accept(new Float32Array(1600));
      if (hit) hits.push(hit);
    }
    // Step 6 is 0.1 s after step 5: inside the refractory period. Step 30 is 2.5 s later.
    expect(hits).toEqual([
      { keyword: 'hey kiwi', score: 0.25, at: 5 * 1600 },
      { keyword: 'hey kiwi', score: 0.25, at: 30 * 1600 },
    ]);
    expect(spotter.streams[0]!.resets).toEqual([5, 6, 30]);
    kws.reset();
    expect(await kws.accept(new Float32Array(1600))).toBeNull();
    expect(spotter.streams).toHaveLength(2); // a fresh stream for the same keywords
  });

  it('searches each keyword set in a stream of its own: either wakes, both at once wake once', async () => {
    const spotter = new ScriptedSpotter({ word: [5, 35], apart: [5, 20] });
    const kws = new SherpaKws(spotter, ['word', 'apart'], 0.25);
    const hits = [];
    for (let i = 0; i < 40; i += 1) {
      const hit = await kws.accept(new Float32Array(1600));
      if (hit) hits.push(hit.at / 1600);
    }
    // Step 5: both fired, one wake. Step 20 (1.5 s later): only the second set. Step 35: only the first.
    expect(hits).toEqual([5, 20, 35]);
    const [word, apart] = spotter.streams;
    expect(word!.resets).toEqual([5, 35]);
    expect(apart!.resets).toEqual([5, 20]);
  });

  it('hears the audio once per view, each resampled from its declared rate to 16 kHz; a keyword in any view wakes once', async () => {
    // Two streams for the one set: the script makes the first stream (16 kHz) fire at step 5 and
    // the second (the lowered view) at steps 5 and 25. A step is 1600 samples of what the stream
    // was given: the lowered view, stretched 19 %, reaches its step 25 after 22 input chunks.
    const spotter = new ScriptedSpotter({ word: [5] });
    const views = [16000, LOWERED_VIEW_RATE];
    const kws = new SherpaKws(spotter, ['word'], 0.25, views);
    spotter.streams[1]!.keywordAtStep.add(25);
    const hits = [];
    for (let i = 0; i < 30; i += 1) {
      const hit = await kws.accept(new Float32Array(1600));
      if (hit) hits.push(hit.at / 1600);
    }
    expect(hits).toEqual([5, 22]);
    // The model is always given 16 kHz (sherpa resampling it per stream printed on stderr): the
    // lowered view is the same 3 s stretched by 16000 / 13454 (300 cents lower, 19 % slower).
    expect(spotter.streams.map((s) => [...s.rates])).toEqual([[16000], [16000]]);
    expect(LOWERED_VIEW_RATE).toBe(13454);
    expect(spotter.streams[0]!.samples).toBe(30 * 1600);
    expect(spotter.streams[1]!.samples / (30 * 1600)).toBeCloseTo(16000 / 13454, 2);
    kws.fork();
    expect(spotter.streams).toHaveLength(4); // a fork listens with the same views
  });
});
