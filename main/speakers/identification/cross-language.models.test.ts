import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { KiwiRuntime } from '../../app/runtime.ts';
import { describeWithModels } from '../../engine/models/testing/model-env.ts';
import { speak, speechToolsMissing } from '../../engine/models/testing/speech.ts';
import { createLogger } from '../../platform/logger.ts';

/** A voice enrolled in English is recognised when it speaks other languages (real GE2E voice prints). */
describeWithModels('speaker identification across languages (real model)', (modelsDir) => {
  let runtime: KiwiRuntime;
  let dir: string;
  const clip = (text: string, voice: string) => ({ samples: speak(text, voice), sampleRate: 16000 });
  const enrolmentLines = ['I like walking by the river in the early morning.', 'My favourite colour is green.', 'Please remember what my voice sounds like.'];

  beforeAll(async () => {
    expect(speechToolsMissing()).toBeNull();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiwi-cross-language-'));
    runtime = await KiwiRuntime.create({
      env: { KIWI_DATA_DIR: dir, KIWI_MODELS_DIR: modelsDir, KIWI_WAKE_WORD_ENGINE: 'text', KIWI_AUTO_DOWNLOAD_MODELS: 'false' },
      logger: createLogger({ KIWI_LOG_LEVEL: 'silent' }),
    });
    await runtime.enrollment.enrol({ name: 'Anna', priority: 'owner', clips: enrolmentLines.map((l) => clip(l, 'en-us+f3')) });
    await runtime.enrollment.enrol({ name: 'Ben', priority: 'friend', clips: enrolmentLines.map((l) => clip(l, 'en-gb+m3')) });
  }, 60_000);
  afterAll(async () => {
    await runtime?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['Anna', 'de+f3', 'Morgen fahren wir mit dem Zug nach Berlin.'],
    ['Anna', 'ru+f3', 'Сегодня вечером мы пойдём в театр.'],
    ['Ben', 'de+m3', 'Morgen fahren wir mit dem Zug nach Berlin.'],
    ['Ben', 'es+m3', 'Mi hermana vive cerca de la playa.'],
  ])('%s is recognised speaking %s', async (name, voice, text) => {
    const result = await runtime.identification.identifyDetailed(clip(text, voice));
    expect(result.kind === 'speaker' ? result.speaker.name : JSON.stringify(result)).toBe(name);
  });
});
