import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModelEntry } from './sherpa-config.ts';
import { type SherpaOfflineRecognizer, SherpaOfflineStt } from './sherpa-offline.ts';
import { OnlineSttStream, type SherpaOnlineRecognizer, type SherpaOnlineStream, SherpaOnlineStt } from './sherpa-online.ts';

/*
 * No sherpa-format speech-to-text model can be obtained on this machine, so these tests cover
 * what can be checked without one: (1) the real sherpa-onnx-node addon reads the configs Kiwi
 * builds — it gets as far as loading the first graph of each family, which it only does after
 * its own validation found every file named — and (2) the adapters' own logic, on a scripted
 * stand-in for the native recognizer (never presented as a model's output).
 */

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kiwi-sherpa-stt-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A model folder with every file of `config` present, holding `content` (not a loadable graph). */
function folder(name: string, config: Record<string, string | number | boolean>, skip: string[] = [], content = 'not an onnx graph\n'): ModelEntry {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir, { recursive: true });
  for (const [key, value] of Object.entries(config)) {
    if (typeof value !== 'string' || key === 'model_type' || skip.includes(key)) continue;
    // A well-formed token table: sherpa exits the process on a malformed one.
    fs.writeFileSync(path.join(dir, value), key === 'tokens' && content ? '<blk> 0\na 1\n' : content);
  }
  return { id: name, dir, languages: ['en'], config };
}

describe('sherpa-offline-stt against the real sherpa-onnx-node addon', () => {
  const families: Array<[string, Record<string, string>, string]> = [
    ['whisper', { model_type: 'whisper', encoder: 'tiny-encoder.int8.onnx', decoder: 'tiny-decoder.int8.onnx', tokens: 'tiny-tokens.txt' }, 'tiny-encoder.int8.onnx'],
    ['sense-voice', { model_type: 'sense_voice', model: 'model.int8.onnx', tokens: 'tokens.txt' }, 'model.int8.onnx'],
    ['moonshine-v1', { model_type: 'moonshine', preprocessor: 'preprocess.onnx', encoder: 'encode.onnx', uncached_decoder: 'uncached.onnx', cached_decoder: 'cached.onnx', tokens: 'tokens.txt' }, 'preprocess.onnx'],
    ['moonshine-v2', { model_type: 'moonshine', encoder: 'encoder_model.onnx', merged_decoder: 'decoder_model_merged.onnx', tokens: 'tokens.txt' }, 'encoder_model.onnx'],
    ['paraformer', { model_type: 'paraformer', model: 'model.int8.onnx', tokens: 'tokens.txt' }, 'model.int8.onnx'],
    ['zipformer', { encoder: 'encoder.int8.onnx', decoder: 'decoder.onnx', joiner: 'joiner.int8.onnx', tokens: 'tokens.txt' }, 'encoder.int8.onnx'],
    ['parakeet', { model_type: 'nemo_transducer', encoder: 'encoder.int8.onnx', decoder: 'decoder.int8.onnx', joiner: 'joiner.int8.onnx', tokens: 'tokens.txt' }, 'encoder.int8.onnx'],
  ];

  for (const [name, config, first] of families) {
    it(`${name}: sherpa accepts the config and tries to load ${first}`, async () => {
      const entry = folder(name, config);
      const loading = SherpaOfflineStt.load(entry, { language: 'en', device: 'cpu' });
      await expect(loading).rejects.toMatchObject({ code: 'model_invalid' });
      await expect(loading).rejects.toThrow(`Load model from ${path.join(entry.dir, first)} failed`);
    });
  }

  it('names a missing file itself instead of sherpa\'s "Failed to create offline recognizer"', async () => {
    const entry = folder('missing', { model_type: 'whisper', encoder: 'e.onnx', decoder: 'd.onnx', tokens: 't.txt' }, ['decoder']);
    await expect(SherpaOfflineStt.load(entry, { language: 'en', device: 'cpu' })).rejects.toThrow(
      `Speech-to-text model 'missing': ${path.join(entry.dir, 'd.onnx')} is missing or empty`,
    );
  });
});

describe('sherpa-online-stt file checks', () => {
  it('refuses a missing or empty file before sherpa sees it (its streaming loader would abort the process)', async () => {
    const config = { encoder: 'encoder.onnx', decoder: 'decoder.onnx', joiner: 'joiner.onnx', tokens: 'tokens.txt' };
    await expect(SherpaOnlineStt.load(folder('online-empty', config, [], ''), { language: 'en', device: 'cpu' })).rejects.toThrow(/encoder\.onnx is missing or empty/);
    await expect(SherpaOnlineStt.load(folder('online-missing', config, ['joiner']), { language: 'en', device: 'cpu' })).rejects.toMatchObject({
      code: 'model_config_invalid',
    });
  });
});

/** A scripted stand-in for sherpa's OnlineRecognizer: each 0.32 s chunk "decodes" to the next word of a script. */
class ScriptedOnline implements SherpaOnlineRecognizer {
  decodes = 0;
  /** Called after each decode with the running count (a test aborts from here, at an exact chunk). */
  onDecode: (count: number) => void = () => undefined;
  constructor(private readonly words: string[]) {}
  createStream(): SherpaOnlineStream & { samples: number; finished: boolean; decoded: number } {
    return {
      samples: 0,
      finished: false,
      decoded: 0,
      acceptWaveform(wave) {
        this.samples += wave.samples.length;
      },
      inputFinished() {
        this.finished = true;
      },
    };
  }
  isReady(stream: SherpaOnlineStream): boolean {
    const s = stream as ReturnType<ScriptedOnline['createStream']>;
    return (s.decoded + 1) * 5120 <= s.samples;
  }
  decode(stream: SherpaOnlineStream): void {
    this.decodes += 1;
    (stream as ReturnType<ScriptedOnline['createStream']>).decoded += 1;
    this.onDecode(this.decodes);
  }
  getResult(stream: SherpaOnlineStream): { text: string } {
    return { text: this.words.slice(0, (stream as ReturnType<ScriptedOnline['createStream']>).decoded).join(' ').toUpperCase() };
  }
}

describe('the streaming adapter logic', () => {
  it('gives partial text only when it changed, and the final text after the tail padding', async () => {
    const recognizer = new ScriptedOnline(['turn', 'on', 'the', 'kitchen', 'lights', 'please']);
    const stream = new OnlineSttStream(recognizer);
    expect(await stream.accept(new Float32Array(2000))).toBeNull(); // not a whole chunk yet
    expect(await stream.accept(new Float32Array(4000))).toBe('turn');
    expect(await stream.accept(new Float32Array(1000))).toBeNull(); // same text
    expect(await stream.accept(new Float32Array(10240))).toBe('turn on the');
    // 17240 samples + 0.66 s of tail silence = 27800 → 5 chunks.
    expect(await stream.finish()).toBe('turn on the kitchen lights');
    expect(await stream.finish()).toBe('turn on the kitchen lights');
    await expect(stream.accept(new Float32Array(10))).rejects.toMatchObject({ code: 'stt_stream_finished' });
  });

  it('yields to the event loop between chunks and stops at the next chunk once aborted', async () => {
    const recognizer = new ScriptedOnline(Array.from({ length: 50 }, (_, i) => `w${i}`));
    const stt = new SherpaOnlineStt('scripted', recognizer, 'en');
    const controller = new AbortController();
    // A task queued on the event loop before decoding starts must run between two chunks.
    let queuedTaskRan = false;
    setImmediate(() => (queuedTaskRan = true));
    const ranBefore: boolean[] = [];
    recognizer.onDecode = (count) => {
      ranBefore.push(queuedTaskRan);
      if (count === 3) controller.abort();
    };
    // 40 chunks of audio: an adapter that ignored the signal would decode all 40.
    const audio = { samples: new Float32Array(5120 * 40), sampleRate: 16000 };
    await expect(stt.transcribe(audio, { language: 'en', signal: controller.signal })).rejects.toThrow(/abort/i);
    expect(recognizer.decodes).toBe(3);
    expect(ranBefore).toEqual([false, true, true]);
    recognizer.onDecode = () => undefined;
    const whole = await stt.transcribe({ samples: new Float32Array(5120 * 3), sampleRate: 16000 }, { language: 'en' });
    expect(whole).toEqual({ text: 'w0 w1 w2 w3 w4', language: 'en' });
  });
});

describe('the offline adapter logic', () => {
  it('sets a new language before decoding, reports the language sherpa heard, drops aborted results', async () => {
    const configs: unknown[] = [];
    let answer = { text: ' Hallo Welt', lang: '<|de|>' };
    const recognizer: SherpaOfflineRecognizer = {
      createStream: () => ({ acceptWaveform: () => undefined }),
      decodeAsync: async () => answer,
      setConfig: (config) => configs.push(config),
    };
    const entry: ModelEntry = { id: 'w', dir: '/m', languages: ['en', 'de'], config: { model_type: 'whisper', encoder: 'e', decoder: 'd', tokens: 't' } };
    const stt = new SherpaOfflineStt(entry, recognizer, 'whisper', 'cpu', 'en');
    const audio = { samples: new Float32Array(16000), sampleRate: 16000 };
    expect(await stt.transcribe(audio, { language: 'en' })).toEqual({ text: 'Hallo Welt', language: 'de' });
    expect(configs).toHaveLength(0);
    await stt.transcribe(audio, { language: 'de' });
    expect(configs).toHaveLength(1);
    expect(configs[0]).toMatchObject({ modelConfig: { whisper: { language: 'de' } } });
    answer = { text: 'x', lang: '' };
    expect((await stt.transcribe(audio, { language: 'de' })).language).toBe('de');
    const controller = new AbortController();
    const pending = stt.transcribe(audio, { language: 'de', signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toThrow(/abort/i);
    stt.dispose();
    await expect(stt.transcribe(audio, { language: 'de' })).rejects.toMatchObject({ code: 'stt_disposed' });
  });
});
