import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { KiwiRuntime } from '../app/runtime.ts';
import { writeWav } from '../engine/audio/wav.ts';
import type { TurnResult } from '../engine/listening/turn.ts';
import { describeWithModels } from '../engine/models/testing/model-env.ts';
import { concat, silence, speak, speechToolsMissing } from '../engine/models/testing/speech.ts';
import { createLogger } from '../platform/logger.ts';
import { listenCommand } from './listen.ts';

/** Runs `fn` with only these KIWI_* settings (not the developer's), the config file in `dir`. */
async function withEnv<T>(dir: string, env: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = { ...process.env };
  for (const key of Object.keys(process.env)) if (key.startsWith('KIWI_') && key !== 'KIWI_TEST_MODELS_DIR') delete process.env[key];
  Object.assign(process.env, { KIWI_DATA_DIR: dir, KIWI_CONFIG: path.join(dir, 'config.yaml'), KIWI_AUTO_DOWNLOAD_MODELS: 'false' }, env);
  try {
    return await fn();
  } finally {
    process.env = saved;
  }
}

/** `kiwi listen --json` in-process: the turn results it prints. */
async function listen(dir: string, wav: string, env: Record<string, string>): Promise<TurnResult[]> {
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    const code = await withEnv(dir, env, () => listenCommand.run(['--input', wav, '--json']));
    expect(code).toBe(0);
    return log.mock.calls.map((call) => JSON.parse(String(call[0])) as TurnResult);
  } finally {
    log.mockRestore();
  }
}

describeWithModels('kiwi listen with the default configuration (real models)', (modelsDir) => {
  vi.setConfig({ testTimeout: 120_000 });
  let dir: string;
  let wav: string;
  beforeAll(async () => {
    expect(speechToolsMissing()).toBeNull();
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'kiwi-listen-'));
    wav = path.join(dir, 'command.wav');
    // A voice the two-stage wake finds (it misses others: bench/results/wake.json).
    await writeWav(wav, { samples: concat(silence(0.8), speak('Kiwi, what time is it?', 'en-us+f3'), silence(1.2)), sampleRate: 16000 });
  });
  afterAll(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('says so when the file holds no speech (it printed nothing at all)', async () => {
    const quiet = path.join(dir, 'quiet.wav');
    await writeWav(quiet, { samples: silence(2), sampleRate: 16000 });
    const said = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(await listen(dir, quiet, { KIWI_MODELS_DIR: modelsDir })).toEqual([]);
      expect(said.mock.calls.map((call) => String(call[0]))).toContain(`kiwi listen: heard no speech in ${quiet} (2.0 s of audio)`);
    } finally {
      said.mockRestore();
    }
  });

  it('wakes on the keyword spotter (wake_word_engine kws, the default) and answers the command', async () => {
    const [result, ...more] = await listen(dir, wav, { KIWI_MODELS_DIR: modelsDir });
    expect(more).toEqual([]);
    expect(result).toMatchObject({ wake: true, command: 'time' });
    expect(result!.transcript.toLowerCase()).toMatch(/what time is it/);
  });

  // Recordings are often trimmed to the first word; a microphone is on before anyone speaks. Before
  // `kiwi listen` gave the audio a lead-in of silence, the spotter missed "Kiwi" at the very start.
  it.each(['en-us', 'en-gb'])('wakes on a recording (%s) that starts on the wake word', async (voice) => {
    const tight = path.join(dir, `tight-${voice}.wav`);
    await writeWav(tight, { samples: concat(speak('Kiwi, what time is it?', voice), silence(1.2)), sampleRate: 16000 });
    const [result] = await listen(dir, tight, { KIWI_MODELS_DIR: modelsDir });
    expect(result).toMatchObject({ wake: true, command: 'time' });
  });

  it('says in the status that the keyword spotter is in use', async () => {
    const runtime = await withEnv(dir, { KIWI_MODELS_DIR: modelsDir }, () => KiwiRuntime.create({ logger: createLogger({ KIWI_LOG_LEVEL: 'silent' }) }));
    try {
      const status = runtime.status(0);
      expect(status.wake_word_engine).toBe('kws');
      expect(status.wake_confirm).toBe('transcript'); // the two-stage wake, by default
      expect(status.fallbacks.filter((f) => f.stage === 'wake')).toEqual([]);
    } finally {
      await runtime.close();
    }
  });

  it('without a keyword model, listens for the wake word in the transcript and says so in the status', async () => {
    // A models folder with the listening fixtures but no keyword spotter.
    const partial = path.join(dir, 'models-without-kws');
    for (const id of ['silero-vad', 'stt-substitute-whisper-tiny-en', 'speaker-substitute-resemblyzer-ge2e']) {
      await fsp.cp(path.join(modelsDir, id), path.join(partial, id), { recursive: true });
    }
    const [result] = await listen(dir, wav, { KIWI_MODELS_DIR: partial });
    expect(result).toMatchObject({ wake: true, command: 'time' });

    const runtime = await withEnv(dir, { KIWI_MODELS_DIR: partial }, () => KiwiRuntime.create({ logger: createLogger({ KIWI_LOG_LEVEL: 'silent' }) }));
    try {
      const status = runtime.status(0);
      expect(status.wake_word_engine).toBe('text');
      expect(status.fallbacks.filter((f) => f.stage === 'wake')).toEqual([expect.objectContaining({ stage: 'wake', configured: 'kws', used: 'text', reason: expect.stringMatching(/kws-zipformer-gigaspeech-en|not installed/) })]);
      expect(status.missing.some((m) => m.startsWith('wake'))).toBe(false);
    } finally {
      await runtime.close();
    }
  });
});
