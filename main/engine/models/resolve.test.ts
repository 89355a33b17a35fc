import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCatalog } from './catalog.ts';
import { resolveModel } from './resolve.ts';

/**
 * With nothing installed, the error names the model that would fix the stage (and first use
 * downloads it: `details.install`), and only one the stage's engines can run: German has no
 * Kokoro voice, so with tts_provider kokoro the German Piper voice is named, not offered.
 */
describe('resolveModel with nothing installed', () => {
  let modelsDir: string;
  beforeEach(async () => (modelsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiwi-resolve-'))));
  afterEach(() => fs.rm(modelsDir, { recursive: true, force: true }));

  const failure = async (engine: string, language: string) =>
    resolveModel('tts', 'auto', language, { modelsDir, catalog: await loadCatalog(), engines: [engine] }).catch((err: unknown) => err);

  it('offers the voice of the engine asked for', async () => {
    expect(await failure('onnx-piper', 'de')).toMatchObject({
      code: 'model_missing',
      message: expect.stringContaining('run: kiwi models download tts-piper-de-de-thorsten-medium'),
      details: { install: 'tts-piper-de-de-thorsten-medium' },
    });
    expect(await failure('sherpa-tts-kokoro', 'en')).toMatchObject({ details: { install: 'tts-kokoro-multi-lang-v1_0' } });
  });

  it("never offers another engine's model: it cannot serve the stage, so downloading it would change nothing", async () => {
    const err = (await failure('sherpa-tts-kokoro', 'de')) as { message: string; details?: unknown };
    expect(err.details).toBeUndefined();
    expect(err.message).toContain('no sherpa-tts-kokoro model in the catalog covers it (tts-piper-de-de-thorsten-medium does, on the onnx-piper engine)');
  });
});
