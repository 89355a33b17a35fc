import { execFileSync } from 'node:child_process';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settledBeforeNextTurn } from '../../../testing/settled.ts';
import type { Tts } from '../../stages.ts';
import { espeakVoice, parseEspeakVoices } from './espeak-voices.ts';
import { createSystemVoiceTts, parseSayVoices, sapiRate } from './system-voice.ts';

const rms = (s: Float32Array) => Math.sqrt(s.reduce((n, x) => n + x * x, 0) / Math.max(1, s.length));
const base = { voice: '', speed: 1, language: 'en' };

describe('system voice: espeak-ng (real, on this machine)', () => {
  let tts: Tts;
  beforeAll(async () => {
    execFileSync('espeak-ng', ['--version']); // the test needs the real program, not a stand-in
    tts = await createSystemVoiceTts({ platform: 'linux' });
  });

  it('speaks: audible audio whose length follows the text', async () => {
    expect(tts.model).toBe('espeak-ng');
    const short = await tts.synthesize('Hello.', base);
    const long = await tts.synthesize('Hello, I am Kiwi. I can set timers, answer questions and turn on the lights.', base);
    expect(long.sampleRate).toBe(22050);
    expect(rms(long.samples)).toBeGreaterThan(0.02);
    expect(long.samples.length / long.sampleRate).toBeGreaterThan(3);
    expect(long.samples.length).toBeGreaterThan(3 * short.samples.length);
  });

  it('speaks faster with a higher speed and takes other languages', async () => {
    const text = 'The quick brown fox jumps over the lazy dog.';
    const normal = await tts.synthesize(text, base);
    const fast = await tts.synthesize(text, { ...base, speed: 2 });
    expect(fast.samples.length).toBeLessThan(0.7 * normal.samples.length);
    const german = await tts.synthesize('Guten Morgen, wie geht es dir?', { ...base, language: 'de' });
    expect(rms(german.samples)).toBeGreaterThan(0.02);
    // A voice of another engine (Kokoro's af_heart) is ignored, not an error.
    const kokoroName = await tts.synthesize('Hello.', { ...base, voice: 'af_heart' });
    expect(kokoroName.samples.length).toBeGreaterThan(1000);
  });

  it('reads text from stdin, so text that looks like an option is spoken, not parsed', async () => {
    const audio = await tts.synthesize('--version -v xx', base);
    expect(audio.samples.length / audio.sampleRate).toBeGreaterThan(0.5);
  });

  it('an abort kills espeak-ng and rejects at once', async () => {
    const text = Array.from({ length: 400 }, (_, i) => `This is sentence number ${i} of a very long text.`).join(' ');
    const controller = new AbortController();
    const pending = tts.synthesize(text, { ...base, signal: controller.signal });
    await new Promise((r) => setTimeout(r, 50)); // espeak-ng is on its way (400 sentences take it seconds)
    controller.abort(new Error('barge-in'));
    // At once: in this turn of the event loop, not when espeak-ng would have finished.
    expect(await settledBeforeNextTurn(pending)).toMatchObject({ rejected: { message: 'barge-in' } });
  });
});

describe('system voice: detection and parsing', () => {
  let empty: string;
  beforeAll(async () => {
    empty = await fsp.mkdtemp(path.join(os.tmpdir(), 'kiwi-nopath-'));
  });
  afterAll(async () => {
    await fsp.rm(empty, { recursive: true, force: true });
  });

  it('says what to install when there is no system voice', async () => {
    await expect(createSystemVoiceTts({ platform: 'linux', env: { PATH: empty } })).rejects.toThrow(/install espeak-ng/);
    await expect(createSystemVoiceTts({ platform: 'darwin', env: { PATH: empty } })).rejects.toThrow(/say/);
    await expect(createSystemVoiceTts({ platform: 'win32', env: { PATH: empty } })).rejects.toThrow(/PowerShell/);
  });

  it('picks espeak-ng voices by name, language or Kiwi language', () => {
    const voices = parseEspeakVoices(
      [
        'Pty Language       Age/Gender VoiceName          File                 Other Languages',
        ' 5  cmn             --/M      Chinese_(Mandarin) sit/cmn              (zh-cmn 5)(zh 5)',
        ' 2  en-us           --/M      English_(America)  gmw/en-US            (en 3)',
        ' 5  de              --/M      German             gmw/de               ',
      ].join('\n'),
    );
    expect(espeakVoice(voices, 'de+f3', 'en')).toBe('de+f3');
    expect(espeakVoice(voices, 'german', 'en')).toBe('german');
    expect(espeakVoice(voices, 'af_heart', 'zh')).toBe('cmn');
    expect(espeakVoice(voices, '', 'en')).toBe('en-us');
    expect(espeakVoice(voices, '', 'ko')).toBe('en-us'); // not installed: English rather than failing
  });

  it('parses `say -v ?` and maps speed to SAPI rate', () => {
    const voices = parseSayVoices('Alex                en_US    # Most people recognize me by my voice.\nBad News            en_US    # The light you see\nAnna                de_DE    # Hallo, ich heiße Anna.\n');
    expect(voices).toEqual([
      { name: 'Alex', locale: 'en_US' },
      { name: 'Bad News', locale: 'en_US' },
      { name: 'Anna', locale: 'de_DE' },
    ]);
    expect(sapiRate(1)).toBe(0);
    expect(sapiRate(2)).toBe(6);
    expect(sapiRate(0.5)).toBe(-6);
  });
});
