import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Speaker } from '../contract/api.ts';
import { encodeWav } from '../engine/audio/wav.ts';
import { describeWithModels } from '../engine/models/testing/model-env.ts';
import type { TurnResult } from '../engine/listening/turn.ts';
import { concat, resample, silence, speak, speechToolsMissing } from '../engine/models/testing/speech.ts';
import { chordMelody } from '../speakers/identification/testing/music.ts';
import { startTestKiwi, type TestKiwi, type TestResponse } from '../testing/kiwi-test-server.ts';

// POST /api/speakers and POST /api/speakers/{id}/samples against a real Kiwi: with the real GE2E
// speaker model from the test fixtures (KIWI_MODELS_DIR), and without any model (503).
const ENROL = [
  'The quick brown fox jumps over the lazy dog near the river bank.',
  'Please remind me to call my sister tomorrow morning at nine.',
  'I would like a cup of tea and some biscuits this afternoon.',
];
const wav64 = (samples: Float32Array, sampleRate = 16000) => encodeWav({ samples, sampleRate }).toString('base64');
const clip = (text: string, voice: string) => wav64(concat(new Float32Array(8000), speak(text, voice), new Float32Array(8000)));
const expectError = (res: TestResponse, status: number, code: string) => {
  expect(res.status, res.text).toBe(status);
  expect((res.json as { error: { code: string } }).error.code).toBe(code);
};

describe('speaker enrolment API without a speaker model', () => {
  let k: TestKiwi;
  beforeAll(async () => {
    k = await startTestKiwi(); // its own empty models folder
  });
  afterAll(async () => k?.cleanup());

  it('answers 503 speaker_unavailable naming why', async () => {
    const res = await k.request('POST', '/api/speakers', { body: { name: 'Anna', audio: [wav64(new Float32Array(32000).map((_, i) => 0.2 * Math.sin(i / 9)))] } });
    expectError(res, 503, 'speaker_unavailable');
    expect((res.json as { error: { message: string } }).error.message).toMatch(/speaker model|not installed|speaker/i);
  });

  it('still checks the audio first: bad base64 and non-WAV bytes are 400 naming the clip', async () => {
    expectError(await k.request('POST', '/api/speakers', { body: { name: 'Anna', audio: ['this is not base64!!!!'] } }), 400, 'bad_audio');
    const notWav = Buffer.from('RIFF....MP3?'.repeat(4)).toString('base64');
    const res = await k.request('POST', '/api/speakers', { body: { name: 'Anna', audio: [notWav] } });
    expectError(res, 400, 'bad_wav');
    expect(res.text).toContain('audio[0]');
  });

  it('validates the body: name, 1 to 10 clips, priority words', async () => {
    const one = wav64(new Float32Array(16000));
    expectError(await k.request('POST', '/api/speakers', { body: { audio: [one] } }), 400, 'invalid_request');
    expectError(await k.request('POST', '/api/speakers', { body: { name: 'A', audio: [] } }), 400, 'invalid_request');
    expectError(await k.request('POST', '/api/speakers', { body: { name: 'A', audio: Array(11).fill(one) } }), 400, 'invalid_request');
    expectError(await k.request('POST', '/api/speakers', { body: { name: 'A', priority: 'admin', audio: [one] } }), 400, 'invalid_request');
    expectError(await k.request('POST', '/api/speakers', { body: { name: 'A', audio: [one], extra: 1 } }), 400, 'invalid_request');
  });

  it('takes a few MB on the enrolment routes only; every other route keeps the 64 KiB limit', async () => {
    const big = 'A'.repeat(9 * 1024 * 1024);
    expectError(await k.request('POST', '/api/speakers', { body: { name: 'A', audio: [big] } }), 413, 'payload_too_large');
    expectError(await k.request('POST', '/api/speakers/spk_001/samples', { body: { audio: [big] }, chunked: true }), 413, 'payload_too_large');
    // A 25 s WAV (1 MB as base64): fine for enrolment (then 503: no model); 1 MB is too large anywhere else.
    const long = wav64(new Float32Array(25 * 16000).map((_, i) => 0.2 * Math.sin(i / 9)));
    expect(long.length).toBeGreaterThan(1024 * 1024);
    expectError(await k.request('POST', '/api/speakers', { body: { name: 'A', audio: [long] } }), 503, 'speaker_unavailable');
    const mb = 'A'.repeat(1024 * 1024);
    expectError(await k.request('POST', '/api/chat', { body: { text: mb } }), 413, 'payload_too_large');
    expectError(await k.request('PATCH', '/api/speakers/spk_001', { body: { name: mb } }), 413, 'payload_too_large');
  });

  it('documents 201, 409, 503 and the larger body limit in the OpenAPI document', async () => {
    const doc = (await k.request('GET', '/api/openapi.json')).json as { paths: Record<string, Record<string, { responses: Record<string, { description: string }> }>> };
    const enrol = doc.paths['/api/speakers']!.post!;
    expect(Object.keys(enrol.responses)).toEqual(expect.arrayContaining(['201', '400', '409', '413', '503']));
    expect(enrol.responses['200']).toBeUndefined();
    expect(enrol.responses['413']!.description).toContain('8 MiB');
    expect(Object.keys(doc.paths['/api/speakers/{speaker_id}/samples']!.post!.responses)).toEqual(expect.arrayContaining(['200', '404', '409', '503']));
  });
});

describeWithModels('speaker enrolment API (real GE2E speaker model)', (modelsDir) => {
  let k: TestKiwi;
  let anna: Speaker;

  beforeAll(async () => {
    expect(speechToolsMissing()).toBeNull();
    k = await startTestKiwi({ env: { KIWI_MODELS_DIR: modelsDir }, config: { wake_word_engine: 'text', voice: { speaker_threshold: 0.8 } } });
    expect(k.kiwi.runtime.engine.parts.speaker?.name).toBe('onnx-ge2e');
  }, 120_000);
  afterAll(async () => k?.cleanup());

  it('enrols the owner from WAV clips (any rate) → 201 with the speaker', async () => {
    const audio = [clip(ENROL[0]!, 'en-us'), clip(ENROL[1]!, 'en-us'), wav64(resample(speak(ENROL[2]!, 'en-us'), 16000, 22050), 22050)];
    const res = await k.request('POST', '/api/speakers', { body: { name: 'Anna', priority: 'owner', audio } });
    expect(res.status, res.text).toBe(201);
    anna = Speaker.parse(res.json);
    expect(anna).toMatchObject({ name: 'Anna', priority: 0, sample_count: 3, is_blocked: false, auto_learned: false });
    const list = (await k.request('GET', '/api/speakers')).json as { speakers: Speaker[] };
    expect(list.speakers.map((s) => s.id)).toContain(anna.id);
  }, 60_000);

  it('refuses a second owner (409) and enrols a friend with a numeric priority', async () => {
    expectError(await k.request('POST', '/api/speakers', { body: { name: 'Ben', priority: 'owner', audio: [clip(ENROL[0]!, 'en-us+f3')] } }), 409, 'conflict');
    const res = await k.request('POST', '/api/speakers', { body: { name: 'Ben', priority: 1, audio: ENROL.map((t) => clip(t, 'en-us+f3')) } });
    expect(res.status, res.text).toBe(201);
    expect(res.json).toMatchObject({ name: 'Ben', priority: 1, sample_count: 3 });
  }, 60_000);

  it('rejects silence and a clip that is too short with a clear 400', async () => {
    const res = await k.request('POST', '/api/speakers', { body: { name: 'Cleo', audio: [clip(ENROL[0]!, 'en-us+klatt'), wav64(new Float32Array(48000))] } });
    expectError(res, 400, 'audio_too_short');
    expect((res.json as { error: { message: string } }).error.message).toContain('audio[1]: only silence');
  });

  it('refuses music (400 not_speech, through the engine\'s VAD) and the same voice under another name (409 naming the profile)', async () => {
    const music = chordMelody();
    const res = await k.request('POST', '/api/speakers', { body: { name: 'Radio', audio: [wav64(music.samples)] } });
    expectError(res, 400, 'not_speech');
    expect((res.json as { error: { message: string } }).error.message).toMatch(/^audio\[0\]: only 0\.\d\d s of speech in 5\.\d\d s of sound .* needs at least 0.5 s of speech/);
    // Two similar sentences agree with each other better than with Anna's profile: still Anna.
    const twin = await k.request('POST', '/api/speakers', { body: { name: 'Anna B', audio: [clip('Please set a timer for five minutes.', 'en-us'), clip('Please set a timer for ten minutes.', 'en-us')] } });
    expectError(twin, 409, 'voice_already_enrolled');
    expect((twin.json as { error: { message: string } }).error.message).toContain('already enrolled as Anna');
  }, 60_000);

  it('adds samples to a profile: same voice → 200 and one more sample; another voice → 409; unknown id → 404', async () => {
    const res = await k.request('POST', `/api/speakers/${anna.id}/samples`, { body: { audio: [clip('Turn off the lights in the kitchen please.', 'en-us')] } });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ id: anna.id, sample_count: 4 });
    expectError(await k.request('POST', `/api/speakers/${anna.id}/samples`, { body: { audio: [clip('Turn off the lights in the kitchen please.', 'en-us+anika')] } }), 409, 'voice_mismatch');
    expectError(await k.request('POST', '/api/speakers/spk_404/samples', { body: { audio: [clip(ENROL[0]!, 'en-us')] } }), 404, 'not_found');
  }, 60_000);

  it('identifies the enrolled voices through the running engine, and keeps PATCH working', async () => {
    const { identification } = k.kiwi.runtime;
    const heard = await identification.identify({ samples: speak('Kiwi, what is the weather like today?', 'en-us'), sampleRate: 16000 });
    expect(heard).toMatchObject({ id: anna.id, name: 'Anna', priority: 0, blocked: false });
    const patched = await k.request('PATCH', `/api/speakers/${anna.id}`, { body: { name: 'Anna K' } });
    expect(patched.status).toBe(200);
    const again = await identification.identify({ samples: speak('Set a timer for twenty minutes.', 'en-us'), sampleRate: 16000 });
    expect(again).toMatchObject({ id: anna.id, name: 'Anna K' });
  }, 60_000);

  it('names the speaker of a spoken command in the listening pipeline (kiwi listen)', async () => {
    const { engine } = k.kiwi.runtime;
    const results: TurnResult[] = [];
    const off = engine.onResult((r) => results.push(r));
    try {
      const session = engine.listen('test:file', { awaitTurns: true });
      const audio = concat(silence(0.8), speak('Kiwi, what time is it?', 'en-us'), silence(1.5), speak('Kiwi, what time is it?', 'en-us+anika'), silence(1.5));
      for (let at = 0; at < audio.length; at += 1600) await session.push(audio.subarray(at, at + 1600));
      await engine.endSource('test:file');
    } finally {
      off();
    }
    const heard = results.filter((r) => r.transcript);
    expect(heard.length, JSON.stringify(results)).toBe(2);
    expect(heard[0]!.speaker).toMatchObject({ id: anna.id });
    expect(heard[1]!.speaker).toBeNull();
  }, 120_000);
});
