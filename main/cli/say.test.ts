import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { decodeWav } from '../engine/audio/wav.ts';
import { describeWithModels } from '../engine/models/testing/model-env.ts';
import { sayCommand } from './say.ts';

/** `kiwi say` in-process, with its own data folder and the env it reads. */
async function say(args: string[], env: Record<string, string>): Promise<{ code: number; out: Record<string, unknown> }> {
  const saved = { ...process.env };
  // Only this test's KIWI_* settings apply (not the developer's), and the config lives in its folder.
  for (const key of Object.keys(process.env)) if (key.startsWith('KIWI_') && key !== 'KIWI_TEST_MODELS_DIR') delete process.env[key];
  Object.assign(process.env, { KIWI_CONFIG: path.join(env.KIWI_DATA_DIR!, 'config.yaml') }, env);
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    const code = await sayCommand.run(args);
    return { code, out: JSON.parse(String(log.mock.calls.at(-1)?.[0])) as Record<string, unknown> };
  } finally {
    log.mockRestore();
    process.env = saved;
  }
}

describe('kiwi say', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'kiwi-say-'));
  });
  afterEach(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('falls back to the system voice when the configured model is not installed, and says so', async () => {
    const output = path.join(dir, 'out.wav');
    const { code, out } = await say(['Hello, I am Kiwi.', '--output', output], { KIWI_DATA_DIR: dir, KIWI_MODELS_DIR: path.join(dir, 'no-models') });
    expect(code).toBe(0);
    expect(out).toMatchObject({ output, engine: 'system', model: 'espeak-ng', sample_rate: 22050 });
    expect(out.note).toMatch(/kokoro is not usable.*system voice/);
    const wav = decodeWav(await fsp.readFile(output));
    expect(wav.samples.length / wav.sampleRate).toBeCloseTo(out.seconds as number, 2);
    expect(out.seconds as number).toBeGreaterThan(0.8);
  });

  it('takes --language, --speed and refuses bad values', async () => {
    const output = path.join(dir, 'de.wav');
    const env = { KIWI_DATA_DIR: dir, KIWI_TTS_PROVIDER: 'system' };
    const slow = await say(['Guten Morgen, wie geht es dir?', '--language', 'de', '--speed', '0.5', '--output', output], env);
    const fast = await say(['Guten Morgen, wie geht es dir?', '--language', 'de', '--speed', '2', '--output', output], env);
    expect(slow.out.note).toBeUndefined();
    expect(fast.out.seconds as number).toBeLessThan(0.7 * (slow.out.seconds as number));
    await expect(say(['Hi', '--language', 'xx'], env)).rejects.toThrow(/--language must be one of/);
    await expect(say(['Hi', '--speed', '9'], env)).rejects.toThrow(/--speed/);
    await expect(say(['--output', output], env)).rejects.toThrow(/text to say is required/);
    // A folder for --output: said before any synthesis (it failed at the end with a rename's EISDIR).
    await expect(say(['Hi', '--output', dir], env)).rejects.toThrow(`--output ${dir} is a folder: name the WAV file to write, e.g. ${path.join(dir, 'reply.wav')}`);
  });
});

describe('kiwi say, stopped with Ctrl-C', () => {
  it('aborts the synthesis at once with the interrupted error (exit 130) and writes no file', async () => {
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'kiwi-say-'));
    try {
      const output = path.join(dir, 'long.wav');
      const before = process.listeners('SIGINT');
      const text = Array.from({ length: 200 }, (_, i) => `This is sentence number ${i} of a long text.`).join(' ');
      const saying = say([text, '--output', output], { KIWI_DATA_DIR: dir, KIWI_TTS_PROVIDER: 'system' });
      // Ctrl-C once say listens for it, i.e. while it synthesizes
      const ctrlC = await vi.waitFor(() => process.listeners('SIGINT').find((l) => !before.includes(l)) ?? Promise.reject(new Error('not yet')), { timeout: 20_000 });
      const started = performance.now();
      ctrlC('SIGINT');
      await expect(saying).rejects.toMatchObject({ code: 'interrupted', status: 130 });
      expect(performance.now() - started).toBeLessThan(1000);
      await expect(fsp.stat(output)).rejects.toThrow(/ENOENT/);
    } finally {
      await fsp.rm(dir, { recursive: true, force: true });
    }
  }, 30_000);
});

describeWithModels('kiwi say on the model fixtures', (modelsDir) => {
  let dir: string;
  beforeEach(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'kiwi-say-'));
  });
  afterEach(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('speaks with the Piper fixture when tts_provider is piper', async () => {
    const output = path.join(dir, 'piper.wav');
    const { out } = await say(['Hello, I am Kiwi. How can I help you today?', '--output', output], {
      KIWI_DATA_DIR: dir,
      KIWI_MODELS_DIR: modelsDir,
      KIWI_TTS_PROVIDER: 'piper',
    });
    expect(out).toMatchObject({ engine: 'piper', model: 'tts-piper-en-us-joe-medium', sample_rate: 22050 });
    expect(out.note).toBeUndefined();
    expect(out.voice).toBeUndefined(); // joe is the voice's only speaker: nothing to pick
    // A --voice this one-voice model cannot follow is said, not silently ignored.
    const nobody = await say(['Hello.', '--voice', 'nobody', '--output', output], { KIWI_DATA_DIR: dir, KIWI_MODELS_DIR: modelsDir, KIWI_TTS_PROVIDER: 'piper' });
    expect(nobody.code).toBe(0);
    expect(nobody.out.note).toBe("voice 'nobody' is not one of this model's voices: tts-piper-en-us-joe-medium has a single voice, which spoke");
    expect(out.seconds as number).toBeGreaterThan(1.5);
  });

  it('refuses text the voice finds nothing to speak in, instead of writing a 0-second WAV', async () => {
    const output = path.join(dir, 'kiwi.wav');
    await expect(say(['🥝🥝🥝', '--output', output], { KIWI_DATA_DIR: dir, KIWI_MODELS_DIR: modelsDir })).rejects.toThrow(
      'the sherpa-kokoro voice found nothing to speak in "🥝🥝🥝": give it words',
    );
    await expect(fsp.stat(output)).rejects.toThrow(/ENOENT/);
    await expect(say(['  ', '--output', output], { KIWI_DATA_DIR: dir, KIWI_MODELS_DIR: modelsDir })).rejects.toThrow(/text to say is required/);
  });

  it('with Kokoro (five voices) names the voice that spoke, and says when --voice is none of them', async () => {
    const env = { KIWI_DATA_DIR: dir, KIWI_MODELS_DIR: modelsDir };
    const kumo = await say(['Hello.', '--voice', 'jm_kumo', '--output', path.join(dir, 'kumo.wav')], env);
    expect(kumo.out).toMatchObject({ engine: 'sherpa-kokoro', voice: 'jm_kumo' });
    expect(kumo.out.note).toBeUndefined();
    const typo = await say(['Hello.', '--voice', 'jm_kumoo', '--output', path.join(dir, 'typo.wav')], env);
    expect(typo.out).toMatchObject({ voice: 'jf_alpha', note: "voice 'jm_kumoo' is not one of this model's 5 voices; using jf_alpha" });
  });
});
