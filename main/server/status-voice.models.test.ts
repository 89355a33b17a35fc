import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../contract/config.ts';
import { routes } from '../contract/routes.ts';
import { loadCatalog } from '../engine/models/catalog.ts';
import { buildParts } from '../engine/parts.ts';
import { KOKORO_FIXTURE, KOKORO_VOICES } from '../engine/models/testing/kokoro-voices.ts';
import { describeWithModels } from '../engine/models/testing/model-env.ts';
import { startTestKiwi, type TestKiwi } from '../testing/kiwi-test-server.ts';

/**
 * A user who typed a voice the model does not have (or copied one from another model) learns it
 * from /api/status, and which of the model's voices speaks instead; a voice set later shows at
 * once. The real Kokoro fixture (five voices) speaks.
 */
describeWithModels("GET /api/status: the voice within Kokoro's five (real Kokoro-82M)", (modelsDir) => {
  let k: TestKiwi;
  const status = async () => routes.status.response.parse((await k.request('GET', '/api/status')).json);

  beforeAll(async () => {
    k = await startTestKiwi({ config: { tts_voice: 'af_heart', auto_download_models: false }, env: { KIWI_MODELS_DIR: modelsDir } });
    expect(k.kiwi.runtime.engine.parts.tts?.model).toBe(KOKORO_FIXTURE);
  }, 120_000);
  afterAll(async () => {
    await k?.cleanup();
  });

  it('lists the voices and says the configured one is not among them', async () => {
    expect((await status()).voice).toEqual({
      voices: [...KOKORO_VOICES],
      speaking: 'jf_alpha',
      note: "voice 'af_heart' is not one of this model's 5 voices; using jf_alpha",
    });
  });

  it('follows tts_voice as it changes', async () => {
    expect((await k.request('PATCH', '/api/config', { body: { tts_voice: 'jm_kumo' } })).status).toBe(200);
    expect((await status()).voice).toMatchObject({ speaking: 'jm_kumo', note: null });
  });

  it('the engine notes it as it starts (the server logs its notes)', async () => {
    const built = await buildParts({ config: { ...DEFAULT_CONFIG, tts_voice: 'jm_kumoo' }, modelsDir, catalog: await loadCatalog() }, ['tts']);
    try {
      expect(built.notes).toContain("tts: voice 'jm_kumoo' is not one of this model's 5 voices; using jf_alpha (tts_voice)");
    } finally {
      built.parts.tts?.dispose();
    }
  }, 60_000);
});
