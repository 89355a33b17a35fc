import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { float32ToInt16, int16ToBytes, int16ToFloat32, bytesToInt16 } from '../../engine/audio/pcm.ts';
import { describeWithModels } from '../../engine/models/testing/model-env.ts';
import { concat, resample, silence, speak, speechToolsMissing } from '../../engine/models/testing/speech.ts';
import { makeTempDir, startTestKiwi, type TestKiwi } from '../../testing/kiwi-test-server.ts';
import { wyomingClient, wyomingPython } from '../testing/wyoming-python.ts';
import { EventReader, type WyomingEvent } from './framing.ts';

/**
 * Kiwi's Wyoming service driven by the `wyoming` package from PyPI (the client library Home
 * Assistant's Wyoming integration uses), on real models: Whisper tiny.en for speech
 * recognition, the Piper voice for speech, openWakeWord "hey jarvis" for wake detection.
 */
describeWithModels("Kiwi's Wyoming service with Home Assistant's client library (real models)", (modelsDir) => {
  let kiwi: TestKiwi;
  let python: string;
  let port: number;
  let scratch: string;

  beforeAll(async () => {
    expect(speechToolsMissing()).toBeNull();
    python = await wyomingPython(path.dirname(modelsDir));
    scratch = await makeTempDir('kiwi-wyoming-');
    kiwi = await startTestKiwi({
      env: {
        KIWI_MODELS_DIR: modelsDir,
        KIWI_WAKE_WORD_ENGINE: 'openwakeword',
        KIWI_WAKE_WORD: 'hey jarvis',
        KIWI_TTS_PROVIDER: 'piper',
        KIWI_WYOMING_ENABLED: 'true',
        KIWI_WYOMING_PORT: '0',
      },
    });
    const status = (await kiwi.request('GET', '/api/integrations')).json as { wyoming: { listening: boolean; port: number } };
    expect(status.wyoming.listening).toBe(true);
    port = status.wyoming.port;
  }, 180_000);
  afterAll(async () => {
    await kiwi?.cleanup();
    if (scratch) await fs.rm(scratch, { recursive: true, force: true });
  });

  /** Float samples as raw little-endian PCM of `width` bytes per sample. */
  function pcmBytes(samples: Float32Array, width: 2 | 4): Buffer {
    if (width === 2) return int16ToBytes(float32ToInt16(samples));
    const out = Buffer.alloc(samples.length * 4);
    samples.forEach((s, i) => out.writeInt32LE(Math.round(Math.max(-1, Math.min(1, s)) * 2147483647), i * 4));
    return out;
  }

  async function file(name: string, bytes: Buffer): Promise<string> {
    const target = path.join(scratch, name);
    await fs.writeFile(target, bytes);
    return target;
  }

  it('describes its installed speech recognition, voice and wake word', async () => {
    const info = await wyomingClient(python, port, 'describe');
    expect(info.asr).toEqual([expect.objectContaining({ name: 'kiwi-stt', installed: true, models: [expect.objectContaining({ name: 'stt-substitute-whisper-tiny-en', languages: ['en'], installed: true })] })]);
    expect(info.tts).toEqual([expect.objectContaining({ name: 'kiwi-tts', voices: [expect.objectContaining({ name: 'tts-piper-en-us-joe-medium', languages: ['en'], installed: true })] })]);
    expect(info.wake).toEqual([expect.objectContaining({ name: 'kiwi-wake', models: [expect.objectContaining({ phrase: 'hey jarvis', installed: true })] })]);
  }, 120_000);

  it('transcribes 16 kHz 16-bit mono speech, as Home Assistant sends it', async () => {
    const audio = concat(silence(0.3), speak('Turn on the lights in the kitchen.'), silence(0.5));
    const answer = await wyomingClient(python, port, 'transcribe', await file('kitchen.raw', pcmBytes(audio, 2)), '16000', '2', '1', 'en');
    expect(String(answer.text).toLowerCase()).toMatch(/lights in the kitchen/);
  }, 120_000);

  it('transcribes other formats the protocol allows (44.1 kHz stereo, 48 kHz 32-bit), resampled to 16 kHz mono', async () => {
    const speech = concat(silence(0.3), speak('Please close the garage door.'), silence(0.5));
    const cd = resample(speech, 16000, 44100);
    const stereo = new Float32Array(cd.length * 2);
    cd.forEach((s, i) => ((stereo[2 * i] = s), (stereo[2 * i + 1] = s * 0.5)));
    const fromCd = await wyomingClient(python, port, 'transcribe', await file('garage-cd.raw', pcmBytes(stereo, 2)), '44100', '2', '2', 'en');
    expect(String(fromCd.text).toLowerCase()).toMatch(/garage door/);
    const wide = await wyomingClient(python, port, 'transcribe', await file('garage-48k.raw', pcmBytes(resample(speech, 16000, 48000), 4)), '48000', '4', '1', 'en');
    expect(String(wide.text).toLowerCase()).toMatch(/garage door/);
  }, 120_000);

  it('synthesizes speech that is really speech: Kiwi hears its own Wyoming audio back as the text', async () => {
    const out = path.join(scratch, 'spoken.raw');
    const answer = await wyomingClient(python, port, 'synthesize', 'The garden lights are on now.', out);
    expect(answer).toMatchObject({ width: 2, channels: 1, rate: 22050 });
    const samples = int16ToFloat32(bytesToInt16(await fs.readFile(out)));
    expect(samples.length / 22050).toBeGreaterThan(1);
    const heard = await kiwi.kiwi.runtime.engine.parts.stt!.transcribe({ samples: resample(samples, 22050, 16000), sampleRate: 16000 }, { language: 'en' });
    expect(heard.text.toLowerCase()).toMatch(/garden lights/);
  }, 120_000);

  it('detects the wake word in a stream, and says not-detected for other speech', async () => {
    const wake = concat(silence(1), speak('Hey Jarvis'), silence(1.5));
    expect(await wyomingClient(python, port, 'detect', await file('wake.raw', pcmBytes(wake, 2)))).toEqual({ detections: ['hey jarvis'] });
    const other = concat(silence(1), speak('The weather is nice today and I would like some coffee'), silence(1));
    expect(await wyomingClient(python, port, 'detect', await file('other.raw', pcmBytes(other, 2)))).toEqual({ detections: [], not_detected: true });
  }, 120_000);

  it('answers malformed frames with an error and hangs up, and keeps serving everyone else', async () => {
    const malformed = [
      '{"type": "audio-chunk", "payload_length": 999999999}\n',
      'this is not json\n',
      '{"type": "audio-chunk", "data": {"rate": 16000, "width": 9, "channels": 1}, "payload_length": 2}\nxx',
      `{"type": "${'x'.repeat(40_000)}`,
    ];
    const answers = await Promise.all(malformed.map((frame) => exchange(port, Buffer.from(frame))));
    for (const events of answers) expect(events).toEqual([expect.objectContaining({ type: 'error', data: expect.objectContaining({ code: 'protocol_error' }) })]);
    const info = await wyomingClient(python, port, 'describe');
    expect(info.asr).toHaveLength(1);
  }, 120_000);
});

/** Send raw bytes, then read events until Kiwi closes the connection. */
function exchange(port: number, bytes: Buffer): Promise<WyomingEvent[]> {
  return new Promise((resolve, reject) => {
    const reader = new EventReader();
    const events: WyomingEvent[] = [];
    const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
    socket.on('data', (chunk: Buffer) => events.push(...reader.push(chunk)));
    socket.on('close', () => resolve(events));
    socket.on('error', reject);
  });
}

