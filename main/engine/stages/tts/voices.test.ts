import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendOnnxMetadata } from '../../models/onnx-metadata.ts';
import { readOnnxMetadata } from './onnx-metadata.ts';
import { chooseSpeaker, pickVoice, readVoiceNames } from './voices.ts';

/** The first voices of Kokoro v1.0, in speaker-id order (sherpa-onnx's voices.bin order). */
const KOKORO = ['af_alloy', 'af_aoede', 'af_bella', 'af_heart', 'am_adam', 'bf_emma', 'ef_dora', 'em_alex', 'ff_siwis', 'zf_xiaobei'];

describe('voice → speaker id', () => {
  it('finds Kokoro voices by name, case-insensitively', () => {
    expect(chooseSpeaker('af_heart', KOKORO, KOKORO.length, 'en')).toEqual({ sid: 3 });
    expect(chooseSpeaker('BF_Emma', KOKORO, KOKORO.length, 'en')).toEqual({ sid: 5 });
  });

  it('gives a Kokoro voice of another language way to one of this language, where the model has one', () => {
    expect(chooseSpeaker('af_heart', KOKORO, KOKORO.length, 'es')).toEqual({ sid: 6, note: "voice 'af_heart' does not speak es; using ef_dora" });
    expect(chooseSpeaker('bf_emma', KOKORO, KOKORO.length, 'en')).toEqual({ sid: 5 }); // British English is English
    // No Russian voice in Kokoro: the one asked for speaks.
    expect(chooseSpeaker('af_heart', KOKORO, KOKORO.length, 'ru')).toEqual({ sid: 3 });
  });

  it('takes a speaker number below the speaker count', () => {
    expect(chooseSpeaker('7', KOKORO, KOKORO.length, 'en')).toEqual({ sid: 7 });
    expect(chooseSpeaker('3', [], 4, 'en')).toEqual({ sid: 3 });
    expect(chooseSpeaker('12', [], 4, 'en').sid).toBe(0);
  });

  it('falls back to a voice of the language (Kokoro) or speaker 0, saying so', () => {
    const es = chooseSpeaker('nobody', KOKORO, KOKORO.length, 'es');
    expect(es.sid).toBe(6);
    expect(es.note).toMatch(/'nobody' is not one of this model's 10 voices; using ef_dora/);
    expect(chooseSpeaker('', KOKORO, KOKORO.length, 'fr')).toEqual({ sid: 8 });
    // A Kokoro voice configured while a one-speaker Piper voice speaks: speaker 0.
    expect(chooseSpeaker('af_heart', [], 1, 'en')).toMatchObject({ sid: 0 });
  });
});

describe('the voice tts_voice picks (status, kiwi say)', () => {
  it('lists the voices and names the one that speaks; a voice it does not have is said', () => {
    expect(pickVoice('bf_emma', KOKORO, KOKORO.length, 'en')).toEqual({ voices: KOKORO, speaking: 'bf_emma', note: null });
    expect(pickVoice('nobody', KOKORO, KOKORO.length, 'fr')).toEqual({ voices: KOKORO, speaking: 'ff_siwis', note: "voice 'nobody' is not one of this model's 10 voices; using ff_siwis" });
  });

  it('numbers the voices of a model that names none; a model with one voice has nothing to pick', () => {
    expect(pickVoice('2', [], 3, 'en')).toEqual({ voices: ['0', '1', '2'], speaking: '2', note: null });
    expect(pickVoice('af_heart', [], 1, 'en')).toBe(null);
  });
});

describe('voice names of a model', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'kiwi-voices-'));
  });
  afterAll(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('reads speaker_names from ONNX metadata (as sherpa Kokoro models carry them)', async () => {
    const file = path.join(dir, 'kokoro.onnx');
    // A minimal ModelProto: ir_version = 8 (field 1, varint) and a producer name (field 2), then metadata.
    await fsp.writeFile(file, Buffer.from([0x08, 0x08, 0x12, 0x04, ...Buffer.from('kiwi')]));
    await appendOnnxMetadata(file, { model_type: 'kokoro', speaker_names: KOKORO.join(',') });
    expect(await readOnnxMetadata(file)).toEqual({ model_type: 'kokoro', speaker_names: KOKORO.join(',') });
    expect(await readVoiceNames(file)).toEqual(KOKORO);
  });

  it('reads a multi-speaker Piper voice map from <voice>.onnx.json, in id order', async () => {
    const file = path.join(dir, 'piper.onnx');
    await fsp.writeFile(file, Buffer.from([0x08, 0x08]));
    await fsp.writeFile(`${file}.json`, JSON.stringify({ num_speakers: 3, speaker_id_map: { p225: 2, p226: 0, p227: 1 } }));
    expect(await readVoiceNames(file)).toEqual(['p226', 'p227', 'p225']);
  });

  it('has no names for a single-voice model, and rejects a file that is not ONNX', async () => {
    const file = path.join(dir, 'single.onnx');
    await fsp.writeFile(file, Buffer.from([0x08, 0x08]));
    expect(await readVoiceNames(file)).toEqual([]);
    const bad = path.join(dir, 'bad.onnx');
    await fsp.writeFile(bad, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f]));
    await expect(readOnnxMetadata(bad)).rejects.toThrow(/not a readable ONNX model/);
  });
});
