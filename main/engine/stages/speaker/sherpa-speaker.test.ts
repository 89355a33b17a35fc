import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../contract/config.ts';
import { SPEAKER_ENGINES } from './index.ts';
import { SherpaSpeakerEmbedder, sherpaSpeakerConfig } from './sherpa-speaker.ts';

// No sherpa-format speaker model (3D-Speaker, WeSpeaker, NeMo) can be downloaded on this machine.
// These tests run sherpa-onnx's real SpeakerEmbeddingExtractor on testdata/tiny-fbank-mean.onnx:
// a 5 KB synthetic graph with WeSpeaker metadata (mean of sherpa's fbank features × a fixed
// projection, made by testdata/make-tiny-fbank-model.py). It says nothing about voices; it proves
// the adapter's config, worker thread, messages and errors against sherpa itself. On real weights
// (GE2E in sherpa's layout, from the model fixtures): sherpa-speaker.models.test.ts.
const here = path.dirname(fileURLToPath(import.meta.url));
const tiny = { id: 'tiny-fbank-mean', dir: path.join(here, 'testdata'), config: { model: 'tiny-fbank-mean.onnx' } };

interface DirectExtractor {
  dim: number;
  createStream(): { acceptWaveform(w: { samples: Float32Array; sampleRate: number }): void; inputFinished(): void };
  compute(stream: unknown, external?: boolean): Float32Array;
}

const tone = (hz: number, seconds: number, rate = 16000) =>
  Float32Array.from({ length: Math.round(seconds * rate) }, (_, i) => 0.3 * Math.sin((2 * Math.PI * hz * i) / rate) + 0.05 * Math.sin((2 * Math.PI * 2.7 * hz * i) / rate));

const unit = (v: Float32Array) => v.map((x) => x / Math.hypot(...v));

describe('sherpa-speaker config from the catalog entry', () => {
  it('joins the model file to the model folder, one thread on the CPU by default', () => {
    expect(sherpaSpeakerConfig({ id: 'm', dir: '/models/m', config: { model: 'nemo_en_titanet_small.onnx' } })).toEqual({
      model: path.join('/models/m', 'nemo_en_titanet_small.onnx'),
      numThreads: 1,
      provider: 'cpu',
      debug: false,
    });
    expect(sherpaSpeakerConfig({ id: 'm', dir: '/d', config: { model: 'x.onnx', num_threads: 2, provider: 'coreml' } })).toMatchObject({ numThreads: 2, provider: 'coreml' });
  });

  it('refuses an entry without a model file or with a bad thread count', () => {
    expect(() => sherpaSpeakerConfig({ id: 'm', dir: '/d', config: {} })).toThrow(/no 'model' file/);
    expect(() => sherpaSpeakerConfig({ id: 'm', dir: '/d', config: { model: 'x.onnx', num_threads: 0 } })).toThrow(/num_threads/);
    expect(() => sherpaSpeakerConfig({ id: 'm', dir: '/d', config: { model: 'x.onnx', num_threads: 'two' } })).toThrow(/num_threads/);
  });

  it('is the adapter registered for the catalog speaker models', async () => {
    const catalog = JSON.parse(
      await import('node:fs/promises').then((fs) => fs.readFile(path.join(here, '../../../../resources/models/catalog.json'), 'utf8')),
    ) as { models: Array<{ task: string; engine: string; config: Record<string, unknown> }> };
    const speakerModels = catalog.models.filter((m) => m.task === 'speaker');
    expect(speakerModels.length).toBeGreaterThan(0);
    for (const m of speakerModels) {
      expect(SPEAKER_ENGINES[m.engine]).toBeDefined();
      expect(typeof m.config.model).toBe('string');
    }
  });
});

describe('sherpa-speaker adapter on sherpa-onnx (synthetic test graph, not a speaker model)', () => {
  let embedder: SherpaSpeakerEmbedder;
  let direct: DirectExtractor;

  beforeAll(async () => {
    embedder = (await SPEAKER_ENGINES['sherpa-speaker']!({ ...tiny, task: 'speaker', engine: 'sherpa-speaker', languages: ['multi'] }, { config: DEFAULT_CONFIG, modelsDir: here })) as SherpaSpeakerEmbedder;
    const sherpa = createRequire(import.meta.url)('sherpa-onnx-node') as { SpeakerEmbeddingExtractor: new (c: unknown) => DirectExtractor };
    direct = new sherpa.SpeakerEmbeddingExtractor(sherpaSpeakerConfig(tiny));
  });
  afterAll(() => embedder?.dispose());

  const directly = (samples: Float32Array) => {
    const stream = direct.createStream();
    stream.acceptWaveform({ samples, sampleRate: 16000 });
    stream.inputFinished();
    return unit(Float32Array.from(direct.compute(stream, false)));
  };

  it('loads on a worker thread and reports the dimension from the model metadata', () => {
    expect(embedder.name).toBe('sherpa-speaker');
    expect(embedder.model).toBe('tiny-fbank-mean');
    expect(embedder.dimension).toBe(16);
  });

  it('returns exactly what sherpa computes on the main thread, unit length', async () => {
    for (const hz of [180, 420]) {
      const samples = tone(hz, 1.5);
      const viaWorker = await embedder.embed({ samples, sampleRate: 16000 });
      const expected = directly(samples);
      expect(viaWorker).toHaveLength(16);
      expect(Math.hypot(...viaWorker)).toBeCloseTo(1, 5);
      viaWorker.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
    }
    const a = await embedder.embed({ samples: tone(180, 1.5), sampleRate: 16000 });
    const b = await embedder.embed({ samples: tone(420, 1.5), sampleRate: 16000 });
    expect(a.some((v, i) => Math.abs(v - b[i]!) > 0.01)).toBe(true);
  });

  it('resamples other rates to 16 kHz before sherpa sees them', async () => {
    const at16k = await embedder.embed({ samples: tone(300, 1.5), sampleRate: 16000 });
    const at48k = await embedder.embed({ samples: tone(300, 1.5, 48000), sampleRate: 48000 });
    const cos = at16k.reduce((s, v, i) => s + v * at48k[i]!, 0);
    expect(cos).toBeGreaterThan(0.99);
  });

  it('answers requests in order when several are in flight', async () => {
    const inputs = [150, 250, 350, 450].map((hz) => tone(hz, 1));
    const results = await Promise.all(inputs.map((samples) => embedder.embed({ samples, sampleRate: 16000 })));
    results.forEach((r, i) => r.forEach((v, j) => expect(v).toBeCloseTo(directly(inputs[i]!)[j]!, 5)));
  });

  it('refuses too little audio and an aborted request', async () => {
    await expect(embedder.embed({ samples: new Float32Array(800), sampleRate: 16000 })).rejects.toMatchObject({ code: 'audio_too_short', status: 400 });
    await expect(embedder.embed({ samples: tone(200, 1), sampleRate: 16000 }, AbortSignal.abort(new Error('stop')))).rejects.toThrow('stop');
  });

  it('fails clearly for a missing model file, without starting sherpa', async () => {
    await expect(SherpaSpeakerEmbedder.load(sherpaSpeakerConfig({ ...tiny, config: { model: 'nope.onnx' } }), 'nope')).rejects.toMatchObject({ code: 'model_invalid' });
  });

  it('answers 503 after dispose', async () => {
    const other = await SherpaSpeakerEmbedder.load(sherpaSpeakerConfig(tiny), 'tiny');
    other.dispose();
    await expect(other.embed({ samples: tone(200, 1), sampleRate: 16000 })).rejects.toMatchObject({ code: 'speaker_unavailable', status: 503 });
  });
});
