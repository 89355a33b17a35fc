import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventData } from '../contract/events.ts';
import { startTestKiwi, type TestKiwi } from '../testing/kiwi-test-server.ts';

/**
 * A config change rebuilds only the stage it touches: llm.* replaces the LLM client and no model,
 * keys read live rebuild nothing, and while a stage rebuilds the engine runs without it and says
 * so (503 `rebuilding`), never handing out a disposed model.
 */
describe('config changes and the engine', () => {
  let k: TestKiwi;
  beforeAll(async () => (k = await startTestKiwi()));
  afterAll(async () => k?.cleanup());

  /** The next `count` ENGINE_READY events (each new engine announces itself), with what the engine answered then. */
  function nextEngines(count: number) {
    const runtime = k.kiwi.runtime;
    const seen: Array<{ ready: EventData<'ENGINE_READY'>; speak: string }> = [];
    return new Promise<typeof seen>((resolve) => {
      const off = runtime.bus.on('ENGINE_READY', (ready) => {
        let speak = 'spoke';
        try {
          runtime.engine.speak('Testing.');
          runtime.engine.stop();
        } catch (err) {
          speak = (err as { code: string }).code;
        }
        seen.push({ ready, speak });
        if (seen.length === count) {
          off();
          resolve(seen);
        }
      });
    });
  }

  it('llm.* makes a new LLM client and keeps the engine and its models', async () => {
    const runtime = k.kiwi.runtime;
    const engine = runtime.engine;
    expect(runtime.llm.client).toBeUndefined();
    expect(runtime.missing).toContain("llm: llm.provider is 'none': only built-in commands and Home Assistant answer");
    await runtime.config.patch({ llm: { provider: 'openai', base_url: 'http://127.0.0.1:9', model: 'standin' } });
    expect(runtime.llm.client?.name).toBe('openai');
    await runtime.config.patch({ llm: { model: 'another' } });
    expect(runtime.engine).toBe(engine);
    expect(runtime.missing.some((line) => line.startsWith('llm:'))).toBe(false);
  });

  it('keys read live rebuild nothing', async () => {
    const engine = k.kiwi.runtime.engine;
    await k.kiwi.runtime.config.patch({ voice: { follow_up_s: 3, speaker_threshold: 0.6 }, tts_voice: 'other', tts_speed: 1.2 });
    await k.kiwi.runtime.engine.idle();
    expect(k.kiwi.runtime.engine).toBe(engine);
  });

  it('a TTS change rebuilds the TTS alone: meanwhile speaking answers 503 rebuilding, and the status says why', async () => {
    const runtime = k.kiwi.runtime;
    const before = runtime.engine;
    const engines = nextEngines(2);
    // The system voice needs no model (a provider whose voice is not installed is refused: model_not_installed).
    await runtime.config.patch({ tts_provider: 'system' });
    const [during, after] = await engines;
    expect(during!.ready.missing.filter((line) => line.includes('rebuilding'))).toEqual(['tts: rebuilding (tts_provider changed)']);
    expect(during!.speak).toBe('rebuilding');
    expect(after!.ready.missing.some((line) => line.includes('rebuilding'))).toBe(false);
    expect(after!.speak).toBe('spoke');
    expect(runtime.engine).not.toBe(before);
    const status = await k.request('GET', '/api/status');
    expect(status.json).toMatchObject({ rebuilding: [] });
  });

  it('a request that needs the voice right after a change waits for the rebuild instead of failing', async () => {
    const engines = nextEngines(2);
    await k.request('PATCH', '/api/config', { body: { language: 'de' } });
    const res = await k.request('POST', '/api/tts/test', { body: { text: 'Noch da.' } });
    expect(res.status, res.text).toBe(200);
    const [during] = await engines;
    expect(during!.ready.missing).toContain('tts: rebuilding (language changed)');
  });

  it('a listening key makes a new voice loop over the same models', async () => {
    const runtime = k.kiwi.runtime;
    const tts = runtime.engine.parts.tts;
    const engines = nextEngines(1);
    await runtime.config.patch({ voice: { barge_in: false } });
    const [next] = await engines;
    expect(next!.ready.missing.some((line) => line.includes('rebuilding'))).toBe(false);
    expect(runtime.engine.parts.tts).toBe(tts);
  });
});
