import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TurnResult } from '../engine/listening/turn.ts';
import { describeWithModels } from '../engine/models/testing/model-env.ts';
import { concat, silence, speak, speechToolsMissing } from '../engine/models/testing/speech.ts';
import { createLogger } from '../platform/logger.ts';
import { KiwiRuntime } from './runtime.ts';

/**
 * Whole spoken turns through the real runtime (router, built-in commands, speaker identification
 * and enrolment) on real models: Silero VAD, Whisper tiny.en, GE2E voice prints, Piper.
 */
describeWithModels('spoken turns through the runtime (real models)', (modelsDir) => {
  let runtime: KiwiRuntime;
  let dataDir: string;

  beforeAll(async () => {
    expect(speechToolsMissing()).toBeNull();
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiwi-voice-turns-'));
    runtime = await KiwiRuntime.create({
      env: { KIWI_DATA_DIR: dataDir, KIWI_MODELS_DIR: modelsDir, KIWI_WAKE_WORD_ENGINE: 'text', KIWI_TTS_PROVIDER: 'piper' },
      logger: createLogger({ KIWI_LOG_LEVEL: 'silent' }),
    });
    expect(runtime.engine.missing.filter((line) => !line.startsWith('llm:') && !line.startsWith('wake:'))).toEqual([]);
  }, 120_000);
  afterAll(async () => {
    await runtime?.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  async function say(audio: Float32Array, source: string): Promise<TurnResult[]> {
    const results: TurnResult[] = [];
    const off = runtime.engine.onResult((r) => results.push(r));
    const session = runtime.engine.listen(source, { awaitTurns: true });
    for (let at = 0; at < audio.length; at += 1600) await session.push(audio.subarray(at, at + 1600));
    await runtime.engine.endSource(source);
    off();
    return results;
  }

  it('answers a built-in command by voice ("Kiwi, what time is it?")', async () => {
    const results = await say(concat(silence(0.5), speak('Kiwi, what time is it?'), silence(1.5)), 'mic-time');
    expect(results.find((r) => r.reply), JSON.stringify(results)).toMatchObject({ wake: true, command: 'time', reply: expect.stringMatching(/\d/) });
  }, 60_000);

  it('"remember my voice" learns the NEXT utterance as the owner, who is then recognised by name', async () => {
    const bob = 'en-us';
    const results = await say(
      concat(
        silence(0.5),
        speak('Kiwi, remember my voice, my name is Bob.', bob),
        silence(1.5),
        speak('I like walking by the river in the early morning when it is quiet.', bob),
        silence(1.5),
      ),
      'mic-enrol',
    );
    // "Kiwi, remember my voice" may end provisionally and give way to ", my name is Bob" (voice.provisional_end): that turn carried nothing out.
    const turns = results.filter((r) => r.ignored !== 'joined with the words that followed');
    expect(turns.map((r) => r.command), JSON.stringify(results)).toEqual(['enroll_next', 'capture']);
    expect(turns[1]!.reply).toMatch(/Bob/);
    const owner = runtime.store.speakers.list().find((s) => s.priority === 0);
    expect(owner).toMatchObject({ name: 'Bob', sample_count: 1 });

    const again = await say(concat(silence(0.5), speak('Kiwi, who is speaking?', bob), silence(1.5)), 'mic-who');
    const answered = again.find((r) => r.reply);
    expect(answered?.speaker, JSON.stringify(again)).toMatchObject({ id: owner!.id, name: 'Bob' });
    expect(answered?.reply).toMatch(/Bob/);
  }, 120_000);
});
